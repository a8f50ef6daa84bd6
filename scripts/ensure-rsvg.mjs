#!/usr/bin/env node
// Makes sure rsvg-convert (librsvg) is there for `npm run export -- --format png` and for
// e2e/export.spec.ts, which draws every export with it. As ensure-chromium.mjs does for Chromium:
// on PATH already, else apt-get install librsvg2-bin when we are root on Debian, else a clear
// message and exit 1 (there is no npm package of it to fall back on).
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

function found() {
  const r = spawnSync('rsvg-convert', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
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

let version = found();
if (!version && isDebianRoot()) {
  console.log('ensure-rsvg: installing librsvg2-bin (rsvg-convert) with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync('apt-get update -qq && apt-get install -y -qq librsvg2-bin', { stdio: 'inherit', env });
  version = found();
}
if (version) {
  console.log(`ensure-rsvg: using ${version}`);
} else {
  console.error(
    'ensure-rsvg: rsvg-convert not found; install librsvg2-bin (Debian/Ubuntu) or librsvg',
  );
  process.exit(1);
}
