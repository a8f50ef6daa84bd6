import { describe, expect, it } from 'vitest';
import type { RmapStep } from './events';
import { PteLists, descPtr } from './pteLists';
import { applyRmapOp } from './rmapOps';
import { captionOf } from './stepCaption';

// The UI's naming: sN is the pointer (N+1)*8 (as golden/goldenReplay.ts spteFromName).
const nameOf = (p: number) => `s${p / 8 - 1}`;
const ptr = (n: number) => (n + 1) * 8;

describe('captionOf', () => {
  it('speaks kernel for the writes a remove and an add make', () => {
    const move: RmapStep = {
      k: 'moveEntry',
      fn: 'pte_list_desc_remove_entry',
      head: 0,
      from: 2,
      fromSlot: 13,
      to: 0,
      toSlot: 3,
      spte: ptr(40),
    };
    expect(captionOf(move, nameOf)).toBe(
      'pte_list_desc_remove_entry: move desc 2 slot 13 (s40) into desc 0 slot 3',
    );
    expect(captionOf({ k: 'alloc', fn: 'pte_list_add', head: 0, desc: 3 }, nameOf)).toBe(
      'pte_list_add: kvm_mmu_memory_cache_alloc → desc 3',
    );
    expect(captionOf({ k: 'setHead', fn: 'pte_list_add', head: 0, val: descPtr(3) }, nameOf)).toBe(
      'pte_list_add: rmap_head->val = desc 3 | KVM_RMAP_MANY',
    );
  });

  it('decodes every form of the head word', () => {
    const read = (val: number) =>
      captionOf({ k: 'readHead', fn: 'pte_list_remove', head: 1, val }, nameOf);
    expect(read(0)).toBe('pte_list_remove: read rmap_head->val = 0 (empty)');
    expect(read(ptr(5))).toBe('pte_list_remove: read rmap_head->val = s5 (single SPTE)');
    expect(read(descPtr(7))).toBe('pte_list_remove: read rmap_head->val = desc 7 | KVM_RMAP_MANY');
  });

  it('names tail_count only where the struct has it', () => {
    const step: RmapStep = {
      k: 'setCounts',
      fn: 'pte_list_add',
      head: 0,
      desc: 1,
      spteCount: 2,
      tailCount: 28,
    };
    expect(captionOf(step, nameOf)).toBe('pte_list_add: desc 1 spte_count = 2');
    expect(captionOf(step, nameOf, { tailCount: true })).toBe(
      'pte_list_add: desc 1 spte_count = 2, tail_count = 28',
    );
  });

  it('captions the rest of the step kinds', () => {
    const cases: [RmapStep, string][] = [
      [
        { k: 'walk', fn: 'pte_list_count', head: 0, desc: 4, index: 1 },
        'pte_list_count: visit desc 4 (chain[1])',
      ],
      [
        {
          k: 'compare',
          fn: 'pte_list_remove',
          head: 0,
          desc: 4,
          slot: 2,
          spte: ptr(9),
          match: false,
        },
        'pte_list_remove: compare desc 4 slot 2 (s9): no match',
      ],
      [{ k: 'return', fn: 'pte_list_count', head: 0, value: 30 }, 'pte_list_count: return 30'],
      [{ k: 'return', fn: 'pte_list_count', head: 0, value: null }, 'pte_list_count: return'],
      [
        { k: 'writeSlot', fn: 'pte_list_add', head: 0, desc: 1, slot: 13, spte: ptr(30) },
        'pte_list_add: write s30 into desc 1 slot 13',
      ],
      [
        { k: 'clearSlot', fn: 'pte_list_destroy', head: 0, desc: 1, slot: 0, spte: ptr(0) },
        'pte_list_destroy: clear desc 1 slot 0 (s0)',
      ],
      [
        { k: 'setMore', fn: 'pte_list_add', head: 0, desc: 5, more: null },
        'pte_list_add: desc 5->more = NULL',
      ],
      [
        { k: 'setMore', fn: 'pte_list_add', head: 0, desc: 5, more: 2 },
        'pte_list_add: desc 5->more = desc 2',
      ],
      [
        { k: 'free', fn: 'pte_list_desc_remove_entry', head: 0, desc: 2 },
        'pte_list_desc_remove_entry: mmu_free_pte_list_desc(desc 2)',
      ],
    ];
    for (const [step, text] of cases) expect(captionOf(step, nameOf)).toBe(text);
  });

  it('gives every step the model records a clean caption', () => {
    for (const variant of ['spte_count', 'tail_count'] as const) {
      const L = new PteLists(variant);
      L.allocHeads(1);
      const ops = [
        ...Array.from({ length: 30 }, (_, i) => ({
          op: 'add' as const,
          head: 0,
          spte: ptr(i + 1),
        })),
        { op: 'remove' as const, head: 0, spte: ptr(1) },
        { op: 'count' as const, head: 0 },
        { op: 'destroy' as const, head: 0 },
      ];
      for (const op of ops) {
        for (const step of applyRmapOp(L, op, { record: true }).steps) {
          const text = captionOf(step, nameOf, { tailCount: variant === 'tail_count' });
          expect(text.startsWith(`${step.fn}: `)).toBe(true);
          expect(text).not.toMatch(/undefined|NaN|\bnull\b/);
        }
      }
    }
  });
});
