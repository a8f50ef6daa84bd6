#!/usr/bin/env node
// Finds a Chromium for Playwright and prints its path into e2e/.chromium-path (read by
// playwright.config.ts). Order: $CHROMIUM_PATH; Debian's /usr/bin/chromium; apt-get install
// chromium when we are root on Debian; otherwise Playwright's own Chromium (npx playwright install).
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const out = new URL('../e2e/.chromium-path', import.meta.url);
const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
].filter(Boolean);

function found() {
  return candidates.find((p) => existsSync(p));
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

let path = found();
if (!path && isDebianRoot()) {
  console.log('ensure-chromium: installing Debian chromium with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit', env });
  path = found();
}
if (path) {
  console.log(`ensure-chromium: using ${path}`);
  writeFileSync(out, path);
} else {
  console.log("ensure-chromium: no system Chromium; falling back to Playwright's own");
  execSync('npx playwright install chromium', { stdio: 'inherit' });
  writeFileSync(out, '');
}
