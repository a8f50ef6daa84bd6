/**
 * Opening a real kernel trace: with the file chooser (the shadow-alias trace of Linux 6.1), the
 * VMM's markers on the scrubber, the Trace panel's used_pages check taking the timeline to the
 * kvm_mmu_zap_all_fast that printed it, no contradiction; a trace cut mid-line refused with its
 * line, the scenario on screen kept, and the part before the line opened; a file dropped on the
 * page; the shared traces as presets of their own; the markers at phone width.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  AT_END,
  openLink,
  openScenarioPicker,
  position,
  scenarioDisclosure,
  stepPos,
} from './support';

const ALIAS = 'test/traces/linux-6.1/shadow-alias/trace.txt.gz';

function openTraceInput(page: Page) {
  return page.getByLabel('Open trace…', { exact: true });
}

test('a trace from the file chooser: markers, the used_pages check, no contradiction', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  await openTraceInput(page).setInputFiles(ALIAS);
  await expect(scenarioDisclosure(page)).toContainText('trace.txt.gz', { timeout: 60_000 });
  await expect(stepPos(page)).toHaveText(AT_END);
  const total = await position(page);
  expect(total).toBeGreaterThan(13_000);
  // Kernel events are not a scenario document: no JSON editor for them.
  await expect(page.getByText('Scenario as JSON')).toHaveCount(0);

  // The VMM's tracing_mark_write lines on the scrubber, "realtrace: " dropped there.
  const markers = page.getByTestId('timeline-markers');
  await expect(markers).toContainText('guest phase 2 done');
  await expect(markers).not.toContainText('realtrace:');
  // A label takes the timeline to its marker, and the marker list says where it is.
  await markers
    .getByRole('button', { name: /^Go to marker: realtrace: guest phase 2 done/ })
    .click();
  await expect.poll(() => position(page)).toBeLessThan(total);
  expect(await position(page)).toBeGreaterThan(0);
  await expect(page.getByLabel('Marker', { exact: true }).locator('option:checked')).toHaveText(
    'guest phase 2 done',
  );
  // The step shows the trace line it comes from.
  await expect(page.getByTestId('source-line')).toContainText(/^line \d+/);

  // The Trace panel: the file, the settings with how they were known, the check, no contradiction.
  const panel = page.getByTestId('trace-panel');
  await expect(panel).toContainText('trace.txt.gz');
  // How each setting was known: a file says nothing but the trace, so seen or assumed.
  await expect(panel.getByRole('definition').first()).toHaveText(/^\S+ — (seen|assumed): ./);
  await expect(panel.getByTestId('no-contradictions')).toHaveText(
    /^The replay agrees with the kernel's own numbers: 1 used-pages check and 1\d\d KVM statistics matched, no contradiction\.$/,
  );
  // KVM's own statistics, one link per kvm-stats line, each going to its step.
  const stats = panel.getByRole('list', { name: 'KVM statistics checks' });
  const firstStats = stats.getByRole('button').first();
  await expect(firstStats).toHaveText(/^line 14: kvm-stats vm, \d+ values = the model's$/);
  await expect(panel).toContainText('Not modelled: vm.remote_tlb_flush');
  await expect(
    page.getByRole('button', { name: "trace: agrees with the kernel's numbers" }),
  ).toBeVisible();
  await expect(panel).toContainText('inferred links are dashed in the tree');

  // The used_pages check goes to the kvm_mmu_zap_all_fast that printed it.
  const check = panel.getByRole('button', {
    name: 'line 13338: kvm_mmu_zap_all_fast used_pages 8 (kernel) = 8 (model)',
  });
  await check.click();
  await expect(check).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('op-label')).toContainText('line 13338');
  await expect(page.getByTestId('source-line')).toContainText('line 13338');
  await expect(page.getByTestId('source-line')).toContainText(
    'kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 0 used_pages 8',
  );
  // The check itself, in the op's micro-steps: the kernel's 8 against the model's 8.
  const agrees = page.locator('.step-list li.mark-agrees');
  await expect(agrees).toContainText('used_pages 8 (kernel) vs n_used_mmu_pages 8 (model)');
  await expect(agrees.locator('.step-badge')).toHaveText('agrees');

  // Inferred steps wear their badge in the step list: the faults after phase 2 top up caches
  // the trace does not show.
  const atCheck = await position(page);
  await markers
    .getByRole('button', { name: /^Go to marker: realtrace: guest phase 2 done/ })
    .click();
  await expect.poll(() => position(page)).not.toBe(atCheck);
  const inferred = page.locator('.step-list li.mark-inferred');
  for (let i = 0; i < 20 && (await inferred.count()) === 0; i++) {
    const before = await position(page);
    await page.getByRole('button', { name: 'Next operation', exact: true }).click();
    await expect.poll(() => position(page)).toBeGreaterThan(before);
  }
  await expect(inferred.first().locator('.step-badge')).toHaveText('inferred');
});

test('a trace cut mid-line: refused by line, the scenario stays, the part before it opens', async ({
  page,
}) => {
  test.setTimeout(90_000);
  // The real trace up to its first set_spte of gfn 0x400, that line cut after "level 1 at".
  const all = gunzipSync(readFileSync(ALIAS)).toString('utf8').split('\n');
  const n = all.findIndex((l) => l.includes('kvm_mmu_set_spte: gfn 400 ')) + 1;
  expect(n).toBeGreaterThan(50);
  const lines = all.slice(0, n);
  const last = lines[n - 1]!;
  expect(last).toMatch(/kvm_mmu_set_spte: gfn 400 spte [0-9a-f]+ \(rwx-\) level 1 at /);
  lines[n - 1] = last.slice(0, last.lastIndexOf(' at ') + 3);
  const cut = lines.join('\n') + '\n';

  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  await openTraceInput(page).setInputFiles({
    name: 'cut.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(cut),
  });
  const alert = page.getByTestId('trace-problems');
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert).toContainText('cut.txt did not open: the timeline on screen stays.');
  await expect(alert).toContainText(`line ${n}`);
  await expect(alert).toContainText('kvm_mmu_set_spte');
  // Not the scenario editor: a trace is not fixed in a textarea.
  await expect(page.getByRole('region', { name: 'Scenario JSON' })).toBeHidden();
  // The scenario on screen stays, at its step.
  await expect(stepPos(page)).toHaveText('Step 100 / 245');
  await expect(scenarioDisclosure(page)).toContainText(
    'rmap list, tail_count: 30 adds, one remove',
  );

  await alert.getByRole('button', { name: `Open the part before line ${n}` }).click();
  await expect(scenarioDisclosure(page)).toContainText('cut.txt', { timeout: 30_000 });
  await expect(stepPos(page)).toHaveText(AT_END);
  await expect(alert).toBeHidden();
  const panel = page.getByTestId('trace-panel');
  await expect(panel).toContainText(`opened the part before line ${n}`);
  // The lines before it are in; the cut one is not.
  await expect(page.getByTestId('source-line')).not.toContainText(`line ${n}`);
});

test('a file dropped on the page opens: the overlay says what a drop does', async ({ page }) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  const doc = JSON.stringify({
    format: 'kvm-mmu-scenario/1',
    options: { rmap: 'spte_count' },
    ops: [{ op: 'add', head: 0, spte: 's1', count: 5 }],
  });
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    return d;
  }, doc);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toContainText('Drop to open');
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  await expect(scenarioDisclosure(page)).toContainText('dropped.json');
  await expect(page.getByTestId('op-label')).toContainText('op 1/1');
});

test('the shared traces are presets of their own, usable at 390 px', async ({ page }) => {
  test.setTimeout(90_000);
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  await openScenarioPicker(page);
  const group = page.getByRole('list', { name: 'Real kernel traces' });
  await expect(group.getByRole('button')).toHaveCount(14);
  await group
    .getByRole('button', { name: 'Linux 6.1 trace: shadow paging, one gfn behind 1000 PTEs' })
    .click();
  await expect(page).toHaveURL(/preset=trace-6\.1-shadow-alias/, { timeout: 60_000 });
  await expect(stepPos(page)).toHaveText(AT_END);
  await expect(page.locator('.caption-line')).toContainText('used_pages');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    )
    .toBeLessThanOrEqual(0);
  // Labels on the scrubber do not overlap, and stay inside it.
  const markers = page.getByTestId('timeline-markers');
  await expect(markers.getByRole('button').first()).toBeVisible();
  const boxes = await markers.evaluate((track) => {
    const t = track.getBoundingClientRect();
    return {
      track: [t.left, t.right],
      labels: [...track.querySelectorAll('button')].map((b) => {
        const r = b.getBoundingClientRect();
        return [r.left, r.right, r.top];
      }),
    };
  });
  for (const [l, r] of boxes.labels) {
    expect(l).toBeGreaterThanOrEqual(boxes.track[0]! - 1);
    expect(r).toBeLessThanOrEqual(boxes.track[1]! + 1);
  }
  for (const a of boxes.labels)
    for (const b of boxes.labels)
      if (a !== b && a[2] === b[2]) expect(a[1]! <= b[0]! + 0.5 || b[1]! <= a[0]! + 0.5).toBe(true);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe, ${scheme}: a trace on screen, and a trace that did not open`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.emulateMedia({ colorScheme: scheme });
    const serious = async () =>
      (await new AxeBuilder({ page }).analyze()).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
    await openLink(page, 'preset=trace-6.1-shadow-alias&view=tree');
    await expect(page.getByTestId('trace-panel')).toBeVisible();
    expect(await serious()).toEqual([]);
    await openTraceInput(page).setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('  vmm-1 [000] .....  1.000000: kvm_mmu_set_spte: gfn zz\n'),
    });
    await expect(page.getByTestId('trace-problems')).toBeVisible();
    expect(await serious()).toEqual([]);
  });
}
