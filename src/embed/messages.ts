/**
 * The iframe embed's conversation with the page around it (window.postMessage).
 *
 * From the embed to its parent (`targetOrigin` '*': the embed cannot know who embeds it, and
 * nothing here is secret):
 * - `{ type: 'kvm-mmu-viz:height', height }`: the content's height in CSS pixels, sent when it
 *   changes, so the parent can size the iframe to fit (no inner scrollbar).
 * - `{ type: 'kvm-mmu-viz:step', step, total }`: the shown step, sent after each move and once
 *   after loading (a parent can wait for it before sending commands).
 * - `{ type: 'kvm-mmu-viz:error', message }`: the scenario did not load.
 * A parent with several embeds tells them apart by `event.source === iframe.contentWindow`.
 *
 * From the parent to the embed (anything else, or from any other window, is ignored):
 * - `{ type: 'kvm-mmu-viz:goto', step }`: show micro-step `step` (clamped to the timeline).
 * - `{ type: 'kvm-mmu-viz:play' }`, `{ type: 'kvm-mmu-viz:pause' }`.
 * - `{ type: 'kvm-mmu-viz:load', preset?, doc?, step? }`: load a preset by name, or a scenario
 *   document (the JSON object itself, `format: "kvm-mmu-scenario/1"`), at `step` (default: end).
 */
import { z } from 'zod';

const step = z.number().int().nonnegative();

const gotoMessage = z.object({ type: z.literal('kvm-mmu-viz:goto'), step });
const playMessage = z.object({ type: z.literal('kvm-mmu-viz:play') });
const pauseMessage = z.object({ type: z.literal('kvm-mmu-viz:pause') });
const loadMessage = z
  .object({
    type: z.literal('kvm-mmu-viz:load'),
    preset: z.string().min(1).optional(),
    doc: z.record(z.string(), z.unknown()).optional(),
    step: step.optional(),
  })
  .refine((m) => (m.preset === undefined) !== (m.doc === undefined), {
    message: 'give exactly one of preset and doc',
  });

export const parentMessage = z.union([gotoMessage, playMessage, pauseMessage, loadMessage]);

export type ParentMessage = z.infer<typeof parentMessage>;

export type EmbedMessage =
  | { type: 'kvm-mmu-viz:height'; height: number }
  | { type: 'kvm-mmu-viz:step'; step: number; total: number }
  | { type: 'kvm-mmu-viz:error'; message: string };

/** The command in `data`, or null for anything that is not one of ours (other scripts post too). */
export function readParentMessage(data: unknown): ParentMessage | null {
  const r = parentMessage.safeParse(data);
  return r.success ? r.data : null;
}
