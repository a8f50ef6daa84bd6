/**
 * union kvm_mmu_page_role (arch/x86/include/asm/kvm_host.h): 32 bits that, with the gfn, name a
 * shadow page. Two pages with the same gfn and role.word are the same page to
 * kvm_mmu_find_shadow_page. Bit positions follow the kernel's field order.
 */
export interface KvmMmuPageRole {
  /** 1 = 4 KiB page table ... 5 = PML5. */
  level: number;
  has4ByteGpte: boolean;
  /** Which part of a 32-bit guest table this page shadows (4-byte gptes only). */
  quadrant: number;
  /** No guest table behind it: TDP, or the child of a huge guest mapping. */
  direct: boolean;
  /** ACC_EXEC_MASK 1 | ACC_WRITE_MASK 2 | ACC_USER_MASK 4. */
  access: number;
  invalid: boolean;
  eferNx: boolean;
  cr0Wp: boolean;
  smepAndnotWp: boolean;
  smapAndnotWp: boolean;
  adDisabled: boolean;
  /** Shadows L1's EPT/NPT for an L2. */
  guestMode: boolean;
  passthrough: boolean;
  isMirror: boolean;
  smm: number;
}

export const ACC_EXEC_MASK = 1;
export const ACC_WRITE_MASK = 2;
export const ACC_USER_MASK = 4;
export const ACC_ALL = ACC_EXEC_MASK | ACC_WRITE_MASK | ACC_USER_MASK;

const FIELDS: [keyof KvmMmuPageRole, number][] = [
  ['level', 4],
  ['has4ByteGpte', 1],
  ['quadrant', 2],
  ['direct', 1],
  ['access', 3],
  ['invalid', 1],
  ['eferNx', 1],
  ['cr0Wp', 1],
  ['smepAndnotWp', 1],
  ['smapAndnotWp', 1],
  ['adDisabled', 1],
  ['guestMode', 1],
  ['passthrough', 1],
  ['isMirror', 1],
];
const SMM_SHIFT = 24; // after 4 unused bits

export function roleWord(r: KvmMmuPageRole): number {
  let word = 0;
  let shift = 0;
  for (const [name, bits] of FIELDS) {
    word |= (Number(r[name]) & ((1 << bits) - 1)) << shift;
    shift += bits;
  }
  return (word | ((r.smm & 0xff) << SMM_SHIFT)) >>> 0;
}

export function roleOfWord(word: number): KvmMmuPageRole {
  const r = {} as Record<keyof KvmMmuPageRole, number | boolean>;
  let shift = 0;
  for (const [name, bits] of FIELDS) {
    const v = (word >>> shift) & ((1 << bits) - 1);
    r[name] = bits === 1 && name !== 'level' ? v === 1 : v;
    shift += bits;
  }
  r.smm = (word >>> SMM_SHIFT) & 0xff;
  return r as unknown as KvmMmuPageRole;
}

export function makeRole(p: Partial<KvmMmuPageRole> & { level: number }): KvmMmuPageRole {
  return {
    has4ByteGpte: false,
    quadrant: 0,
    direct: false,
    access: ACC_ALL,
    invalid: false,
    eferNx: true,
    cr0Wp: true,
    smepAndnotWp: false,
    smapAndnotWp: false,
    adDisabled: false,
    guestMode: false,
    passthrough: false,
    isMirror: false,
    smm: 0,
    ...p,
  };
}

/** kvm_mmu_child_role: one level down, same flags; a direct child of a huge mapping keeps access. */
export function kvmMmuChildRole(
  parent: KvmMmuPageRole,
  direct: boolean,
  access: number,
): KvmMmuPageRole {
  return { ...parent, level: parent.level - 1, direct, access, passthrough: false, quadrant: 0 };
}

/** The access bits as the tracepoint prints them: "wux" with '-' for clear bits. */
export function accessText(access: number): string {
  return (
    (access & ACC_WRITE_MASK ? 'w' : '-') +
    (access & ACC_USER_MASK ? 'u' : '-') +
    (access & ACC_EXEC_MASK ? 'x' : '-')
  );
}
