/**
 * What the op composer asks for, per op of the scenario language (src/scenario/schema.ts): the
 * fields, their labels and hints in kernel terms. opComposerValidate.ts turns the filled-in
 * fields into an op.
 */
import type { ScenarioOp } from '../scenario/schema';

export type OpName = ScenarioOp['op'];

export interface FieldDef {
  key: string;
  label: string;
  /** number: decimal or 0x hex; spte: "s12" or 12; select: one of options; flag: a checkbox. */
  type: 'number' | 'spte' | 'select' | 'flag';
  required: boolean;
  options?: readonly { value: string; label: string }[];
  placeholder?: string;
  /** Shown under the field: what it means in the kernel. */
  hint?: string;
  /** flag: the model's value when the field is left out (only a change is sent). */
  defaultValue?: boolean;
  /** select: the option values are numbers (levels). */
  numeric?: boolean;
}

export interface OpDef {
  op: OpName;
  /** The kernel function the op enters by. */
  kernel: string;
  help: string;
  fields: FieldDef[];
}

const LEVELS = [
  { value: '1', label: '1 (4 KiB)' },
  { value: '2', label: '2 (2 MiB)' },
  { value: '3', label: '3 (1 GiB)' },
];
const optionalLevel = (def: string) => [{ value: '', label: `default (${def})` }, ...LEVELS];

const num = (key: string, label: string, required: boolean, extra: Partial<FieldDef> = {}) =>
  ({ key, label, type: 'number', required, ...extra }) satisfies FieldDef;

const head = num('head', 'rmap head', true, { placeholder: '0', hint: 'a free-standing head' });
const spte: FieldDef = {
  key: 'spte',
  label: 'SPTE',
  type: 'spte',
  required: true,
  placeholder: 's12 or 12',
};
const gfn = num('gfn', 'gfn', true, { placeholder: '0x400 or 1024' });
const vcpu = num('vcpu', 'vCPU', false, { placeholder: '0' });

export const OP_DEFS: readonly OpDef[] = [
  {
    op: 'fault',
    kernel: 'kvm_mmu_page_fault',
    help: 'Map a gfn through the TDP MMU, the shadow MMU (guest page tables) or a nested MMU.',
    fields: [
      {
        key: 'kind',
        label: 'kind',
        type: 'select',
        required: true,
        options: [
          { value: 'tdp', label: 'tdp' },
          { value: 'shadow', label: 'shadow' },
          { value: 'nested', label: 'nested' },
        ],
      },
      { ...gfn, hint: "for nested: L1's gfn" },
      num('gva', 'gva', false, {
        placeholder: 'default = gfn',
        hint: 'shadow: guest virtual page; nested: L2 gfn',
      }),
      num('as', 'address space', false, {
        placeholder: '0',
        hint: 'guest process (shadow) or L1 root (nested)',
      }),
      {
        key: 'level',
        label: 'level',
        type: 'select',
        required: false,
        numeric: true,
        options: optionalLevel('1'),
        hint: "the guest's mapping level",
      },
      {
        key: 'hostLevel',
        label: 'host level',
        type: 'select',
        required: false,
        numeric: true,
        options: optionalLevel('= level'),
        hint: 'host_pfn_mapping_level',
      },
      num('count', 'count', false, { placeholder: '1', hint: 'consecutive pages of that size' }),
      vcpu,
      { key: 'write', label: 'write fault', type: 'flag', required: false, defaultValue: false },
      {
        key: 'writable',
        label: 'guest PTE writable',
        type: 'flag',
        required: false,
        defaultValue: true,
      },
    ],
  },
  {
    op: 'fork',
    kernel: 'kvm_mmu_page_fault',
    help: 'A guest fork under shadow paging: count address spaces map gfn read-only.',
    fields: [
      gfn,
      num('count', 'count', true, { placeholder: '100' }),
      num('gva', 'gva', false, { placeholder: '0x7000' }),
      vcpu,
    ],
  },
  {
    op: 'guest_unmap',
    kernel: 'kvm_mmu_track_write',
    help: 'The guest clears a PTE in its own (write-protected) page table: the write traps and the SPTE leaves its rmap.',
    fields: [
      num('as', 'address space', true, {
        placeholder: '1',
        hint: 'the first process (as) to unmap',
      }),
      num('gva', 'gva', false, { placeholder: '0x7000' }),
      num('count', 'count', false, { placeholder: '1', hint: 'address spaces to unmap' }),
      num('step', 'step', false, { placeholder: '1', hint: 'as, as + step, as + 2 step, ...' }),
      {
        key: 'kind',
        label: 'kind',
        type: 'select',
        required: false,
        options: [
          { value: '', label: 'default (shadow)' },
          { value: 'shadow', label: 'shadow' },
          { value: 'nested', label: 'nested' },
        ],
      },
    ],
  },
  {
    op: 'zap',
    kernel: 'kvm_mmu_prepare_zap_page',
    help: 'Zap one shadow page (and its children) by its id in the tree view.',
    fields: [num('page', 'shadow page', true, { placeholder: '0' })],
  },
  {
    op: 'zap_gfn',
    kernel: 'kvm_zap_gfn_range',
    help: 'Clear the SPTEs that map gfn .. gfn + count - 1.',
    fields: [gfn, num('count', 'count', false, { placeholder: '1' })],
  },
  {
    op: 'write_protect',
    kernel: 'kvm_mmu_slot_gfn_write_protect',
    help: "Write-protect every SPTE in the gfn's rmaps, then flush.",
    fields: [gfn],
  },
  {
    op: 'split',
    kernel: 'kvm_mmu_slot_try_split_huge_pages',
    help: "Eager page splitting, as when dirty logging starts: split a memslot's huge SPTEs.",
    fields: [
      num('memslot', 'memslot', false, { placeholder: '0' }),
      {
        key: 'targetLevel',
        label: 'target level',
        type: 'select',
        required: false,
        numeric: true,
        options: optionalLevel('1'),
      },
    ],
  },
  {
    op: 'shrink',
    kernel: 'mmu_shrink_scan',
    help: 'One call of the MMU shrinker, as the kernel option `shrinker` sets it.',
    fields: [num('nrToScan', 'nr_to_scan', false, { placeholder: '128' })],
  },
  {
    op: 'rmap_count',
    kernel: 'pte_list_count',
    help: 'Count the rmap of (gfn, level): what a count costs in this era.',
    fields: [
      gfn,
      {
        key: 'level',
        label: 'level',
        type: 'select',
        required: false,
        numeric: true,
        options: optionalLevel('1'),
      },
    ],
  },
  {
    op: 'add',
    kernel: 'pte_list_add',
    help: 'Add an SPTE to a free-standing rmap head (with a count: sN, sN+1, ...).',
    fields: [head, spte, num('count', 'count', false, { placeholder: '1' })],
  },
  {
    op: 'remove',
    kernel: 'pte_list_remove',
    help: 'Remove an SPTE from a free-standing rmap head.',
    fields: [head, spte],
  },
  { op: 'count', kernel: 'pte_list_count', help: 'Count the entries of a head.', fields: [head] },
  {
    op: 'destroy',
    kernel: 'pte_list_destroy',
    help: "Free a head's descriptors and empty it.",
    fields: [head],
  },
];

export function opDef(op: string): OpDef {
  return OP_DEFS.find((d) => d.op === op) ?? OP_DEFS[0]!;
}
