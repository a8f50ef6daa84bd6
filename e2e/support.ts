/**
 * What the journeys share: open the app at a link and wait until it shows what the link names,
 * read the position text, and list the chain slots lit by the shown micro-step. Not a spec
 * (Playwright only runs *.spec.ts).
 */
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** "Step k / n" once a timeline is loaded (n > 0): the bare "Step 0 / 0" of start-up is not. */
export const LOADED = /^Step \d+ \/ [1-9]\d*$/;
/** At the end of a loaded timeline. */
export const AT_END = /^Step ([1-9]\d*) \/ \1$/;

export function stepPos(page: Page): Locator {
  return page.getByTestId('step-pos');
}

/**
 * Opens `/#hash` in a fresh document and waits for the timeline to be shown: at `step` when
 * given, otherwise at the end (a link without a step opens at the end).
 */
export async function openLink(page: Page, hash: string, step?: number): Promise<void> {
  // A new hash on the same page is only a fragment change: the app reads the hash at start-up.
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(`/#${hash}`);
  await expect(stepPos(page)).toHaveText(
    step === undefined ? AT_END : new RegExp(`^Step ${step} / [1-9]\\d*$`),
  );
}

/** The timeline's length n from "Step k / n". */
export async function timelineLength(page: Page): Promise<number> {
  const text = (await stepPos(page).textContent()) ?? '';
  const m = /\/ (\d+)$/.exec(text);
  if (!m) throw new Error(`no timeline length in "${text}"`);
  return Number(m[1]);
}

/** The shown position k from "Step k / n". */
export async function position(page: Page): Promise<number> {
  const text = (await stepPos(page).textContent()) ?? '';
  const m = /^Step (\d+) \//.exec(text);
  if (!m) throw new Error(`no position in "${text}"`);
  return Number(m[1]);
}

/** Lit chain slots as "chain index:slot:role:spte", sorted (the rmap-chain spec's notation). */
export async function litSlots(scope: Page | Locator): Promise<string[]> {
  return scope
    .locator('[data-testid="slot"][data-highlight="true"]')
    .evaluateAll((els) =>
      els
        .map((el) =>
          [
            el.closest('[data-testid="desc"]')?.getAttribute('data-index'),
            el.getAttribute('data-slot'),
            el.getAttribute('data-role'),
            el.getAttribute('data-spte'),
          ].join(':'),
        )
        .sort(),
    );
}

/** The "Scenario:" disclosure in the header, which holds the preset cards and the file input. */
export function scenarioDisclosure(page: Page): Locator {
  return page.locator('summary', { hasText: 'Scenario:' });
}

export async function openScenarioPicker(page: Page): Promise<void> {
  await scenarioDisclosure(page).click();
  await expect(page.getByRole('heading', { name: 'Scenarios', exact: true })).toBeVisible();
}

/** A timeline button by its accessible name (the arrows in its text are aria-hidden). */
export function timelineButton(page: Page, name: string): Locator {
  return page
    .getByRole('region', { name: 'Timeline', exact: true })
    .getByRole('button', { name, exact: true });
}
