// Copies the package's iframe bundle into the site's static/ folder (run it from the site's root,
// e.g. as a "prebuild" script). Not run by the tests: see docs/README.md.
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const pkg = dirname(createRequire(import.meta.url).resolve('kvm-mmu-viz/package.json'));
cpSync(join(pkg, 'dist/iframe'), 'static/kvm-mmu-viz', { recursive: true });
