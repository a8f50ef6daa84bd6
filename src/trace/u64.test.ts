import { expect, it } from 'vitest';
import { u64BigInt, u64Bit, u64Hex, u64Number } from './u64';
import { fieldsOf } from './testkit';

it('turns a split 64-bit field back into the text, bigint and bits it stands for', () => {
  const e = fieldsOf(
    '             vmm-659     [000] .N.1.    16.934993: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 1 old_spte ce00e65 new_spte 80000000000005a0',
  );
  const [hi, lo] = [e.newSpteHi as number, e.newSpteLo as number];
  expect(u64Hex(hi, lo)).toBe('80000000000005a0');
  expect(u64BigInt(hi, lo)).toBe(0x80000000000005a0n);
  expect(u64Bit(hi, lo, 63)).toBe(true);
  expect(u64Bit(hi, lo, 11)).toBe(false);
  expect(u64Number(hi, lo)).toBeNull();
  expect(u64Hex(0, 0xce00e65)).toBe('ce00e65');
  expect(u64Hex(1, 5)).toBe('100000005');
  expect(u64Number(0x1fffff, 0xffffffff)).toBe(2 ** 53 - 1);
});
