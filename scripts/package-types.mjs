#!/usr/bin/env node
// The npm package's types, dist/types/: tsc's declarations for the entries (tsconfig.package.json)
// and everything their types reach. The sources import without extensions (moduleResolution
// "bundler"), and tsc copies specifiers into .d.ts files as written; a site type-checking with
// "moduleResolution": "node16"/"nodenext" could not follow those in an ES package. So each
// relative specifier gets the extension Node would need: a small rewrite here, as no bundler of
// declarations is among the project's tools, and tsc has no option for it.
// Then only the declarations the entries' types reach are kept.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/types');

rmSync(out, { recursive: true, force: true });
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.package.json')], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  console.error('package-types: tsc could not write the declarations (its errors are above)');
  process.exit(1);
}

/** `./x` as Node resolves it from `dir`: `./x.js` for x.d.ts, `./x/index.js` for a folder. */
function withExtension(dir, spec, file) {
  if (/\.(js|mjs|cjs|json|css)$/.test(spec)) return spec;
  if (existsSync(join(dir, `${spec}.d.ts`))) return `${spec}.js`;
  if (existsSync(join(dir, spec, 'index.d.ts'))) return `${spec}/index.js`;
  console.error(`package-types: ${file} imports ${spec}, which has no declaration in dist/types`);
  process.exit(1);
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// `from './x'`, `import './x'` and `import('./x')`: the only forms tsc writes.
const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;
// The element's stylesheet imports: only its build has a use for them.
const CSS_IMPORT = /^import ['"][^'"]+\.css['"];\n/gm;

// tsc writes a declaration for every file the entries' code reaches; the package keeps those
// their types reach.
const ENTRIES = ['embed/element.d.ts', 'embed/react.d.ts', 'embed/schema.d.ts'];
const kept = new Set();
const queue = ENTRIES.map((f) => join(out, f));
while (queue.length) {
  const file = queue.pop();
  if (kept.has(file)) continue;
  kept.add(file);
  const text = readFileSync(file, 'utf8').replace(CSS_IMPORT, '');
  const fixed = text.replace(SPECIFIER, (_, lead, q, spec) => {
    const js = withExtension(dirname(file), spec, file);
    queue.push(join(dirname(file), js.replace(/\.js$/, '.d.ts')));
    return `${lead}${q}${js}${q}`;
  });
  writeFileSync(file, fixed);
}
for (const file of filesUnder(out)) if (!kept.has(file)) rmSync(file);
for (const dir of readdirSync(out)) {
  const path = join(out, dir);
  if (statSync(path).isDirectory() && filesUnder(path).length === 0)
    rmSync(path, { recursive: true });
}
console.log(`package-types: ${kept.size} declaration files in dist/types`);
