/**
 * A scenario file that does not load: one with schema problems (a gfn written as a string, an
 * op the language does not have), one cut off mid-way, one that is not JSON at all. Each opens
 * the scenario editor on the file's text with its problems by line, while the scenario on
 * screen stays: same step, same drawing. Then a good file loads.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLink, openScenarioPicker, scenarioDisclosure, stepPos } from './support';

const BAD = `{
  "format": "kvm-mmu-scenario/1",
  "options": { "rmap": "tail_count" },
  "ops": [
    { "op": "add", "head": 0, "spte": "s1" },
    { "op": "fault", "kind": "tdp", "gfn": "lots" },
    { "op": "frobnicate", "head": 0 }
  ]
}
`;

const GOOD = `{
  "format": "kvm-mmu-scenario/1",
  "options": { "rmap": "spte_count" },
  "ops": [
    { "op": "add", "head": 0, "spte": "s1", "count": 20 },
    { "op": "remove", "head": 0, "spte": "s3" }
  ]
}
`;

async function loadFile(page: Page, name: string, text: string) {
  await openScenarioPicker(page);
  await page.getByLabel('Load scenario file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
}

/** What is drawn now: the chain's descriptors, slot by slot. */
async function drawing(page: Page): Promise<string> {
  return page
    .locator('[data-pane="main"]')
    .getByTestId('slot')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-spte') ?? '').join(','));
}

test('files with problems: listed by line in the editor, the scenario on screen stays', async ({
  page,
}) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  const before = await drawing(page);
  expect(before).toContain('s14');
  const editor = page.getByRole('region', { name: 'Scenario JSON' });
  const problems = editor.locator('.editor-errors li');

  // Schema problems: the string gfn on line 6, the unknown op on line 7.
  await loadFile(page, 'bad.json', BAD);
  await expect(editor).toBeVisible();
  await expect(editor.getByRole('textbox', { name: 'Scenario JSON' })).toHaveValue(BAD);
  await expect(editor.getByRole('status')).toHaveText('2 problems');
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toContainText('line 6');
  await expect(problems.nth(0)).toContainText('ops[1].gfn: expected number, received string');
  await expect(problems.nth(1)).toContainText('line 7');
  await expect(problems.nth(1)).toContainText('ops[2].op');
  // The gutter marks the same lines.
  await expect(editor.locator('.gutter .ln.bad')).toHaveText(['6', '7']);
  // "line 7" takes the caret to the op that does not exist.
  await problems.nth(1).getByRole('button', { name: 'line 7' }).click();
  const selected = await editor
    .getByRole('textbox')
    .evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd));
  expect(selected).toContain('"frobnicate"');

  // Nothing else changed.
  await expect(stepPos(page)).toHaveText('Step 100 / 245');
  await expect(scenarioDisclosure(page)).toContainText(
    'rmap list, tail_count: 30 adds, one remove',
  );
  expect(await drawing(page)).toBe(before);
  await expect(page).toHaveURL(/#preset=rmap-tail-count-30&step=100&view=chain$/);

  // Cut off mid-way: a syntax problem at the line where the text ends.
  const cut = BAD.slice(0, BAD.indexOf('"lots"') + 3);
  await loadFile(page, 'cut.json', cut);
  await expect(editor.getByRole('textbox')).toHaveValue(cut);
  await expect(problems.first()).toContainText('line 6');
  await expect(problems.first()).toContainText('unterminated string');

  // Not JSON at all.
  await loadFile(page, 'notes.txt', 'these are my notes, not a scenario\n');
  await expect(problems.first()).toContainText('line 1');
  await expect(problems.first()).toContainText('invalid symbol');
  await expect(stepPos(page)).toHaveText('Step 100 / 245');
  expect(await drawing(page)).toBe(before);

  // A good file loads, shown at its end, and the editor goes back to the loaded text.
  await loadFile(page, 'mine.json', GOOD);
  await expect(stepPos(page)).toHaveText(/^Step (\d+) \/ \1$/);
  await expect(scenarioDisclosure(page)).toContainText('mine.json');
  await expect(page.getByTestId('op-label')).toContainText('op 2/2: remove s3 on head 0');
  await expect(page).toHaveURL(/#doc=/);
});

test('fixed in the editor, one line at a time, then applied', async ({ page }) => {
  await openLink(page, 'preset=rmap-tail-count-30&step=100&view=chain', 100);
  await loadFile(page, 'bad.json', BAD);
  const editor = page.getByRole('region', { name: 'Scenario JSON' });
  const text = editor.getByRole('textbox', { name: 'Scenario JSON' });
  await expect(editor.getByRole('status')).toHaveText('2 problems');

  // The gfn fixed, Ctrl+Enter: only line 7 is left, and nothing loads.
  const half = BAD.replace('"lots"', '1024');
  await text.fill(half);
  await expect(editor).toContainText('edited, not applied');
  // The listed problems were found in the text before the edit.
  await expect(editor.getByRole('status')).toHaveText('2 problems (before your last edits)');
  await text.press('Control+Enter');
  await expect(editor.getByRole('status')).toHaveText('1 problem');
  await expect(editor.locator('.editor-errors li')).toContainText('line 7');
  await expect(editor.locator('.gutter .ln.bad')).toHaveText(['7']);
  await expect(stepPos(page)).toHaveText('Step 100 / 245');

  // The op named: it loads, at its end, and the editor closes.
  await text.fill(half.replace('"frobnicate", "head": 0', '"remove", "head": 0, "spte": "s1"'));
  await editor.getByRole('button', { name: 'Apply scenario' }).click();
  await expect(stepPos(page)).toHaveText(/^Step (\d+) \/ \1$/);
  await expect(page.getByTestId('op-label')).toContainText('op 3/3: remove s1 on head 0');
  await expect(editor).toBeHidden();
});
