/**
 * Issue 16, the npm package, as a docs site gets it: `npm pack` (its prepack builds everything)
 * makes the tarball; a scratch Vite project installs it offline and builds a page with the element
 * (by import) and the React component; Chromium checks that both draw. Then the other ways in: the
 * README's CDN script line (one `<script type="module">`, served from another origin), the iframe
 * bundle copied into a site under a sub-path, a server render of the React component (as MDX sites
 * do), and the shipped types, under tsc's "bundler" and "nodenext" resolution.
 *
 * Runs `npm pack` and two Vite builds: run it under the browser lock (helper rules), like the
 * other specs. The scratch project takes React, react-dom and zod from this repository's
 * node_modules, so nothing is fetched: it works after `npm ci` with no network.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreviewServer } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PORT = 4183; // not the suite's 4173: that one serves the repo's dist/
const ORIGIN = `http://127.0.0.1:${PORT}`;
const VERSION = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;
const CDN = `https://cdn.jsdelivr.net/npm/kvm-mmu-viz@${VERSION}/`;
/** The rmap-tail-count-30 preset's micro-steps (as in e2e/embed.spec.ts's docs page). */
const TAIL_30_STEPS = 245;
const TAIL_30_END = `Step ${TAIL_30_STEPS} / ${TAIL_30_STEPS}`;

interface PackEntry {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/** Runs a command; a failure names the command, its status and the end of what it printed. */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    const tail = `${err.stdout ?? ''}\n${err.stderr ?? ''}`.trim().split('\n').slice(-25);
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` in ${cwd} exited ${err.status}:\n${tail.join('\n')}`,
      { cause: e },
    );
  }
}

/** `npm pack --json`: its one entry (script output is kept off stdout). */
function pack(args: string[]): PackEntry {
  const out = run('npm', ['pack', '--json', '--foreground-scripts=false', ...args], REPO);
  const [entry] = JSON.parse(out) as PackEntry[];
  if (!entry) throw new Error(`npm pack printed no package: ${out.slice(0, 500)}`);
  return entry;
}

let tmp = '';
let scratch = '';
let unpacked = '';
let packed: PackEntry;
let server: PreviewServer | null = null;

const SCENARIO = {
  format: 'kvm-mmu-scenario/1',
  ops: [1, 2, 3].map((spte) => ({ op: 'add', head: 0, spte })),
};

const PAGES: Record<string, string> = {
  'index.html': `<!doctype html>
<html lang="en"><head><meta charset="UTF-8" /><title>package: element and React</title></head>
<body>
  <h1>A site that installed kvm-mmu-viz</h1>
  <h2>The element, imported</h2>
  <kvm-mmu-viz id="viz-element" preset="rmap-tail-count-30" views="chain"></kvm-mmu-viz>
  <div id="react-root"></div>
  <script type="module" src="./main.jsx"></script>
</body></html>`,
  'main.jsx': `import 'kvm-mmu-viz';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { KvmMmuViz } from 'kvm-mmu-viz/react';
import { parseScenario } from 'kvm-mmu-viz/schema';

const scenario = ${JSON.stringify(SCENARIO)};
const checked = parseScenario(scenario);

function App() {
  const [step, setStep] = useState(12);
  return (
    <>
      <h2>The React component</h2>
      <button onClick={() => setStep(5)}>Show step 5</button>
      <KvmMmuViz id="viz-react" preset="guest-fork" step={step} views="chain" />
      <h2>An inline scenario, checked with kvm-mmu-viz/schema</h2>
      <p id="schema-check">{checked.ok ? 'schema: ' + checked.scenario.ops.length + ' ops' : 'schema: ' + checked.problems[0].message}</p>
      <KvmMmuViz id="viz-inline" scenario={scenario} controls="full" />
    </>
  );
}
createRoot(document.getElementById('react-root')).render(<App />);
`,
  'cdn.html': `<!doctype html>
<html lang="en"><head><meta charset="UTF-8" /><title>package: from a CDN</title></head>
<body>
  <script type="module" src="${CDN}dist/embed/kvm-mmu-viz.js"></script>
  <kvm-mmu-viz id="viz-cdn" preset="rmap-tail-count-30" views="chain"></kvm-mmu-viz>
</body></html>`,
  'frame.html': `<!doctype html>
<html lang="en"><head><meta charset="UTF-8" /><title>package: the iframe bundle</title></head>
<body>
  <iframe id="viz-frame" title="kvm-mmu-viz: thirty SPTEs on one rmap" loading="lazy"
    sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"
    style="width: 100%; height: 480px; border: 0"
    src="/kvm-mmu-viz/embed.html#preset=rmap-tail-count-30&views=chain"></iframe>
</body></html>`,
  // Types as a TypeScript site sees them: wrong props must be errors, not `any`.
  'types-check.tsx': `import { KvmMmuViz } from 'kvm-mmu-viz/react';
import { parseScenario, PRESETS, type ScenarioInput } from 'kvm-mmu-viz/schema';
import type { KvmMmuVizElement } from 'kvm-mmu-viz';

const doc: ScenarioInput = { format: 'kvm-mmu-scenario/1', ops: [{ op: 'add', head: 0, spte: 1 }] };
export const ok = <KvmMmuViz preset={PRESETS[0]!.name} step={12} views="chain,tree" scenario={doc} />;
export const parsed: boolean = parseScenario(doc).ok;
export const el: KvmMmuVizElement | null = document.querySelector('kvm-mmu-viz');
// @ts-expect-error: a step is a number
export const badStep = <KvmMmuViz step="12" />;
// @ts-expect-error: there is no such view
export const badView = <KvmMmuViz views="charts" />;
// @ts-expect-error: there is no such op
export const badDoc: ScenarioInput = { format: 'kvm-mmu-scenario/1', ops: [{ op: 'nope' }] };
`,
  'ssr.mjs': `import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { KvmMmuViz } from 'kvm-mmu-viz/react';
console.log(renderToString(createElement(KvmMmuViz, { preset: 'guest-fork', step: 12, views: ['chain', 'tree'], scenario: { format: 'kvm-mmu-scenario/1', name: '</script>', ops: [] } }, 'A picture of the chain')));
`,
};

function tsconfig(resolution: 'bundler' | 'nodenext'): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      jsx: 'react-jsx',
      target: 'ES2022',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      module: resolution === 'bundler' ? 'ESNext' : 'NodeNext',
      moduleResolution: resolution,
      // The package's own declarations are checked too, not only used.
      skipLibCheck: false,
      types: [],
    },
    files: ['types-check.tsx'],
  });
}

test.beforeAll(async () => {
  test.setTimeout(900_000);
  tmp = mkdtempSync(join(tmpdir(), 'kvm-mmu-viz-package-'));
  scratch = join(tmp, 'site');
  unpacked = join(tmp, 'unpacked');
  mkdirSync(unpacked);
  mkdirSync(join(scratch, 'public'), { recursive: true });
  packed = pack(['--pack-destination', tmp]);
  const tarball = join(tmp, packed.filename);
  run('tar', ['-xzf', tarball, '-C', unpacked], tmp);

  // The site: installs the tarball (and its one dependency, zod, from this repository) offline.
  for (const [name, text] of Object.entries(PAGES)) writeFileSync(join(scratch, name), text);
  writeFileSync(join(scratch, 'tsconfig.bundler.json'), tsconfig('bundler'));
  writeFileSync(join(scratch, 'tsconfig.nodenext.json'), tsconfig('nodenext'));
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'docs-site', private: true, type: 'module' }),
  );
  run(
    'npm',
    [
      'install',
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      tarball,
      join(REPO, 'node_modules/zod'),
    ],
    scratch,
  );
  // The site's own React (and its types), as a site has them.
  for (const dep of ['react', 'react-dom', '@types/react']) {
    mkdirSync(join(scratch, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', dep), join(scratch, 'node_modules', dep), 'dir');
  }
  // As the README says: the iframe bundle copied into the site's static files.
  cpSync(
    join(scratch, 'node_modules/kvm-mmu-viz/dist/iframe'),
    join(scratch, 'public/kvm-mmu-viz'),
    { recursive: true },
  );

  const { build, preview } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  const config = {
    root: scratch,
    configFile: false as const,
    logLevel: 'warn' as const,
    plugins: [react()],
    build: {
      outDir: 'dist',
      // The element is one large module by design (React inside it): no warning for it.
      chunkSizeWarningLimit: 1024,
      rolldownOptions: {
        input: ['index.html', 'cdn.html', 'frame.html'].map((f) => join(scratch, f)),
      },
    },
  };
  await build(config);
  server = await preview({
    ...config,
    preview: { host: '127.0.0.1', port: PORT, strictPort: true, cors: true },
  });
});

test.afterAll(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Uncaught exceptions on the page: a widget must never cause one. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('npm pack lists the element, its worker, the React entry, the types and the iframe bundle', () => {
  const listed = pack(['--dry-run', '--ignore-scripts']).files.map((f) => f.path);
  expect(listed.sort()).toEqual(packed.files.map((f) => f.path).sort());
  const has = (re: RegExp) =>
    expect(
      listed.filter((p) => re.test(p)),
      String(re),
    ).not.toEqual([]);
  has(/^dist\/embed\/kvm-mmu-viz\.js$/);
  has(/^dist\/embed\/assets\/mmu\.worker-[\w-]+\.js$/);
  has(/^dist\/package\/react\.js$/);
  has(/^dist\/package\/schema\.js$/);
  for (const entry of ['element', 'react', 'schema'])
    has(new RegExp(`^dist/types/embed/${entry}\\.d\\.ts$`));
  has(/^dist\/iframe\/embed\.html$/);
  has(/^dist\/iframe\/index\.html$/);
  has(/^dist\/iframe\/assets\/mmu\.worker-[\w-]+\.js$/);
  // Only built files: no sources, tests, traces or source maps.
  expect(
    listed.filter((p) => !/^dist\//.test(p) && !/^(package\.json|README\.md)$/.test(p)),
  ).toEqual([]);
  expect(listed.filter((p) => /\.(map|ts)$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);

  const manifest = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8')) as {
    private?: boolean;
    exports: Record<string, string | Record<string, string>>;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  expect(manifest.private).toBeUndefined();
  // Every target the exports name is in the tarball.
  for (const [key, target] of Object.entries(manifest.exports)) {
    for (const path of typeof target === 'string' ? [target] : Object.values(target)) {
      const file = path.replace(/^\.\//, '').replace(/\*$/, '');
      expect(
        listed.some((p) => p === file || (path.endsWith('*') && p.startsWith(file))) ||
          file === 'package.json',
        `exports["${key}"] -> ${path}`,
      ).toBe(true);
    }
  }
  // The element loads from a CDN by itself: it imports nothing by bare name. The library entries
  // import only what the manifest makes the site install.
  const bare = (file: string) =>
    [
      ...readFileSync(join(unpacked, 'package', file), 'utf8').matchAll(
        /\b(?:from|import)\s*\(?\s*["']([^"'./][^"']*)["']/g,
      ),
    ].map((m) => m[1]!.replace(/^((?:@[^/]+\/)?[^/]+).*$/, '$1'));
  expect(bare('dist/embed/kvm-mmu-viz.js')).toEqual([]);
  // ... and the React entry's import of the element finds it in the tarball.
  for (const file of ['dist/package/react.js', 'dist/package/schema.js']) {
    const text = readFileSync(join(unpacked, 'package', file), 'utf8');
    for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g))
      expect(listed, `${file} imports ${m[1]}`).toContain(join(file, '..', m[1]!));
  }
  const installed = { ...manifest.dependencies, ...manifest.peerDependencies };
  for (const file of ['dist/package/react.js', 'dist/package/schema.js'])
    for (const name of bare(file))
      expect(Object.keys(installed), `${file} imports ${name}`).toContain(name);
});

test('the element (imported) and the React component draw in a site built with Vite', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto(`${ORIGIN}/`);
  // Thirty SPTEs on one rmap head, at the end: three descriptors in the chain.
  const element = page.locator('#viz-element');
  await expect(element.getByTestId('step-pos')).toHaveText(TAIL_30_END);
  await expect(element.getByTestId('desc')).toHaveCount(3);

  // The README's example: the fork's first link_shadow_page, its rmap head still empty.
  const react = page.locator('#viz-react');
  await react.scrollIntoViewIfNeeded();
  await expect(react.getByTestId('step-pos')).toHaveText(/^Step 12 \/ [1-9]\d*$/);
  await expect(react.getByTestId('caption')).toContainText('pte_list_add');
  await expect(react.getByTestId('head')).toBeVisible();
  // A prop change reaches the element as an attribute, and the widget follows.
  await page.getByRole('button', { name: 'Show step 5' }).click();
  await expect(react.getByTestId('step-pos')).toHaveText(/^Step 5 \/ [1-9]\d*$/);
  await expect(element.getByTestId('step-pos')).toHaveText(TAIL_30_END);

  // The scenario handed to the component as an object: three SPTEs on one head.
  await expect(page.locator('#schema-check')).toHaveText('schema: 3 ops');
  const inline = page.locator('#viz-inline');
  await inline.scrollIntoViewIfNeeded();
  await expect(inline.getByTestId('step-pos')).toHaveText(/^Step (\d+) \/ \1$/);
  await expect(inline.getByTestId('desc')).toHaveCount(1);
  await page.screenshot({
    path: fileURLToPath(new URL('./artifacts/package-site.png', import.meta.url)),
    fullPage: true,
  });
  expect(errors).toEqual([]);
});

test('one script tag from an npm CDN: the element finds its worker beside its own URL', async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  const served: string[] = [];
  // The CDN, played by the unpacked tarball: what jsDelivr serves for kvm-mmu-viz@VERSION.
  await context.route(`${CDN}**`, async (route) => {
    const path = new URL(route.request().url()).pathname.slice(new URL(CDN).pathname.length);
    const file = join(unpacked, 'package', path);
    served.push(path);
    if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not in the package' });
    await route.fulfill({
      body: readFileSync(file),
      contentType: file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream',
      headers: { 'access-control-allow-origin': '*' },
    });
  });
  await page.goto(`${ORIGIN}/cdn.html`);
  const viz = page.locator('#viz-cdn');
  await expect(viz.getByTestId('step-pos')).toHaveText(TAIL_30_END);
  await expect(viz.getByTestId('desc')).toHaveCount(3);
  expect(served).toContain('dist/embed/kvm-mmu-viz.js');
  expect(
    served.filter((p) => /^dist\/embed\/assets\/mmu\.worker-[\w-]+\.js$/.test(p)),
  ).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('the iframe bundle works from a sub-path of the site, and its link opens the app beside it', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto(`${ORIGIN}/frame.html`);
  const frame = page.frameLocator('#viz-frame');
  await expect(frame.getByTestId('step-pos')).toHaveText(TAIL_30_END);
  await expect(frame.getByTestId('desc')).toHaveCount(3);
  const open = frame.getByRole('link', { name: 'Open in kvm-mmu-viz' });
  const href = await open.getAttribute('href');
  expect(href).toMatch(
    new RegExp(`^${ORIGIN}/kvm-mmu-viz/#.*preset=rmap-tail-count-30.*step=${TAIL_30_STEPS}`),
  );
  await page.goto(href!);
  await expect(page.getByTestId('step-pos').first()).toHaveText(TAIL_30_END);
  await expect(page.getByTestId('desc')).toHaveCount(3);
  expect(errors).toEqual([]);
});

test('the React component renders on a server (MDX sites) without touching the DOM', () => {
  const html = run('node', ['ssr.mjs'], scratch);
  expect(html).toContain('<kvm-mmu-viz preset="guest-fork" step="12" views="chain,tree">');
  // The inline scenario cannot close its script block early.
  expect(html).toContain('"name":"\\u003c/script>"');
  expect(html).toContain('A picture of the chain</kvm-mmu-viz>');
});

for (const resolution of ['bundler', 'nodenext'] as const) {
  test(`the shipped types work under moduleResolution ${resolution}`, () => {
    run(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`],
      scratch,
    );
  });
}
