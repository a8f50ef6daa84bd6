/**
 * Which kernel wrote a trace.dat: what `--kernel` gave; else the UNAME option trace-cmd records
 * ("Linux (none) 6.1.0-56-amd64 x86_64": its release, as uname -r prints it); else what the
 * format files show (a 4-letter role access string: 7.2+, read as 7.3; fast_page_fault's
 * error_code a u64: 6.12+, a u32: before 6.12, read as 6.1); else assumed current, as the text
 * importer assumes when nothing tells.
 */
import { resolveKernelRelease, type KernelVersion } from '../../model/kernelVersions';
import type { Setting } from '../sniffTrace';
import type { DatMeta } from './datMeta';
import { knownFormat } from './formatContext';

export function datKernel(meta: DatMeta, given?: KernelVersion): Setting<KernelVersion> {
  if (given !== undefined) return { value: given, how: 'given', why: '--kernel' };
  if (meta.uname !== null)
    for (const word of meta.uname.split(/\s+/).slice(2)) {
      try {
        const r = resolveKernelRelease(word);
        return {
          value: r.version,
          how: 'seen',
          why: `the trace.dat's uname: "${meta.uname}" (${r.note})`,
        };
      } catch {
        // not the release: the machine name, or a host name with spaces
      }
    }
  const formats = [...meta.formats.values()];
  const page = knownFormat(formats, 'kvm_mmu_get_page')?.printFmt ?? '';
  if (/access_str\[\]\s*=\s*\{\s*"[r-][w-][u-][x-]"/.test(page))
    return {
      value: '7.3',
      how: 'seen',
      why: 'the format of kvm_mmu_get_page prints a 4-letter role access (ACC_READ_MASK, 7.2+); read as 7.3',
    };
  const size = knownFormat(formats, 'fast_page_fault')?.field('error_code')?.size;
  if (size === 8)
    return { value: '6.12', how: 'seen', why: "fast_page_fault's error_code is a u64 (6.12+)" };
  if (size === 4)
    return {
      value: '6.1',
      how: 'seen',
      why: "fast_page_fault's error_code is a u32 (before 6.12); read as 6.1",
    };
  return {
    value: 'current',
    how: 'assumed',
    why: 'the trace.dat has no uname option, and its formats do not tell the version',
  };
}
