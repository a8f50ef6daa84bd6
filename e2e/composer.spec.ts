/**
 * The op composer on the shrinker preset (shadow paging, one memslot of 4 GiB): a field that is
 * not a number is flagged beside that field and nothing runs; a fault the kernel refuses (a gfn
 * in no memslot) is said in an alert and the timeline keeps its length; a good fault is
 * appended and the timeline moves to its end.
 */
import { expect, test } from '@playwright/test';
import { AT_END, openLink, stepPos, timelineLength } from './support';

test('a field error, a refusal, then an op that runs', async ({ page }) => {
  await openLink(page, 'preset=shrinker&view=chain');
  const n = await timelineLength(page);
  const composer = page.getByRole('form', { name: 'Compose an op' });
  const alert = composer.getByRole('alert');
  const apply = composer.getByRole('button', { name: 'Apply', exact: true });

  await composer.getByLabel('Operation', { exact: true }).selectOption('fault');
  await composer.getByLabel('kind', { exact: true }).selectOption('shadow');
  const gfn = composer.getByLabel('gfn', { exact: true });

  // Not a number: the message sits under the gfn field and describes it; nothing is sent.
  await gfn.fill('zzz');
  await apply.click();
  await expect(gfn).toHaveAttribute('aria-invalid', 'true');
  await expect(gfn).toHaveAccessibleDescription(/not a number/);
  // (A `has` locator is matched inside each field, so it starts from the page.)
  const gfnField = composer.locator('.composer-field', {
    has: page.getByLabel('gfn', { exact: true }),
  });
  await expect(gfnField.locator('.field-error')).toHaveText(/not a number/);
  await expect(composer.locator('.field-error')).toHaveCount(1);
  await expect(stepPos(page)).toHaveText(`Step ${n} / ${n}`);
  // Typing again clears the flag.
  await gfn.fill('0x');
  await expect(gfn).not.toHaveAttribute('aria-invalid', 'true');

  // A gfn past the only memslot: the model refuses the fault, the timeline keeps its length.
  await gfn.fill('0x200000');
  await apply.click();
  await expect(alert).toContainText('gfn 0x200000');
  await expect(alert).toContainText('is in no memslot');
  await expect(stepPos(page)).toHaveText(`Step ${n} / ${n}`);
  await expect(page.getByTestId('op-label')).toContainText('op 2/2: shrink');

  // A gfn inside it: appended as op 3, and shown at its end.
  await gfn.fill('0x500');
  await apply.click();
  await expect(page.getByTestId('op-label')).toContainText('op 3/3: fault shadow gfn 0x500');
  await expect(stepPos(page)).toHaveText(AT_END);
  expect(await timelineLength(page)).toBeGreaterThan(n);
  await expect(alert).toHaveText('');
  // No longer the preset as shipped: the link carries the document itself.
  await expect(page).toHaveURL(/#doc=[\w-]+&step=\d+&view=chain$/);
});

test('a remove with a required field left empty, on the rmap-only preset', async ({ page }) => {
  await openLink(page, 'preset=rmap-spte-count-30&view=chain');
  const n = await timelineLength(page);
  const composer = page.getByRole('form', { name: 'Compose an op' });
  await composer.getByLabel('Operation', { exact: true }).selectOption('remove');
  const head = composer.getByLabel('rmap head', { exact: true });
  await expect(head).toHaveAttribute('aria-required', 'true');
  await head.fill('0');
  await composer.getByRole('button', { name: 'Apply', exact: true }).click();
  const spte = composer.getByLabel('SPTE', { exact: true });
  await expect(spte).toHaveAttribute('aria-invalid', 'true');
  const spteField = composer.locator('.composer-field', {
    has: page.getByLabel('SPTE', { exact: true }),
  });
  await expect(spteField.locator('.field-error')).toBeVisible();
  await expect(head).not.toHaveAttribute('aria-invalid', 'true');
  await expect(stepPos(page)).toHaveText(`Step ${n} / ${n}`);
});
