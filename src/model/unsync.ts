/**
 * Unsync shadow pages: a level-1 page whose guest table the guest may write without a fault
 * (kvm_unsync_page, from mmu_try_to_unsync_pages), made sync again when its SPTEs are re-read
 * (kvm_unlink_unsync_page, from kvm_sync_page or a zap). kvm->stat.mmu_unsync counts them.
 */
import type { KvmMmuPage } from './mmuPage';
import type { Kvm } from './vm';

/** kvm_unsync_page. */
export function kvmUnsyncPage(vm: Kvm, sp: KvmMmuPage): void {
  if (sp.unsync) return;
  sp.unsync = true;
  vm.stat.mmu_unsync++;
}

/** kvm_unlink_unsync_page. */
export function kvmUnlinkUnsyncPage(vm: Kvm, sp: KvmMmuPage): void {
  if (!sp.unsync) return;
  sp.unsync = false;
  vm.stat.mmu_unsync--;
}
