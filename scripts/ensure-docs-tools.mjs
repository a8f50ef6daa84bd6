#!/usr/bin/env node
// Makes sure MkDocs (with pymdown-extensions' SuperFences) and Sphinx are there for
// e2e/docs-sites.spec.ts, which builds the docs/ recipes with them. As ensure-rsvg.mjs does for
// rsvg-convert: on PATH already (and pymdownx importable by MkDocs' own Python), else apt-get
// install the missing Debian packages when we are root on Debian, else a clear message and exit 1.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

function version(command) {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : null;
}

/** The Python that runs mkdocs (its script's #! line): pymdownx must import there. */
function mkdocsPython() {
  const path = spawnSync('sh', ['-c', 'command -v mkdocs'], { encoding: 'utf8' }).stdout.trim();
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readSafe(path).split('\n')[0] ?? '');
  if (!m) return 'python3';
  return m[1].endsWith('/env') && m[2] ? m[2] : m[1];
}

function pymdownx() {
  const python = mkdocsPython();
  const r = spawnSync(
    python,
    ['-c', 'import pymdownx.superfences, pymdownx.__meta__ as m; print(m.__version__)'],
    {
      encoding: 'utf8',
    },
  );
  return r.status === 0 ? `pymdown-extensions ${r.stdout.trim()} (${python})` : null;
}

function found() {
  return {
    mkdocs: version('mkdocs'),
    'python3-pymdownx': version('mkdocs') ? pymdownx() : null,
    'python3-sphinx': version('sphinx-build'),
  };
}

function missing(tools) {
  return Object.keys(tools).filter((name) => !tools[name]);
}

function isDebianRoot() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const debian = existsSync('/etc/debian_version') || /debian/i.test(readSafe('/etc/os-release'));
  return root && debian && existsSync('/usr/bin/apt-get');
}

function readSafe(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

let tools = found();
if (missing(tools).length && isDebianRoot()) {
  const packages = missing(tools).join(' ');
  console.log(`ensure-docs-tools: installing ${packages} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync(`apt-get update -qq && apt-get install -y -qq ${packages}`, { stdio: 'inherit', env });
  tools = found();
}
if (!missing(tools).length) {
  console.log(`ensure-docs-tools: using ${Object.values(tools).join(', ')}`);
} else {
  console.error(
    `ensure-docs-tools: ${missing(tools).join(', ')} not found; install mkdocs, python3-pymdownx ` +
      'and python3-sphinx (Debian/Ubuntu), or pip install mkdocs pymdown-extensions sphinx',
  );
  process.exit(1);
}
