/**
 * tracefs on a KVM host: where it is, which events are on, and turning on the ones the shared
 * traces have (every kvmmmu event, kvm:kvm_page_fault, kvm:kvm_exit).
 */
import { access, readFile, writeFile, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { LiveError } from './liveError';

export const TRACEFS_CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];
export const LIVE_EVENTS = ['kvmmmu', 'kvm/kvm_page_fault', 'kvm/kvm_exit'];

const MOUNT_FIX =
  'mount it with `mount -t tracefs nodev /sys/kernel/tracing` and run `npm run live` as root';

/** The tracefs root: the one given, else the first candidate with a trace_pipe. */
export async function findTracefs(given?: string): Promise<string> {
  const dirs = given ? [given] : TRACEFS_CANDIDATES;
  for (const dir of dirs) {
    try {
      await access(join(dir, 'trace_pipe'), constants.R_OK);
      return dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM')
        throw new LiveError(`${dir}/trace_pipe is not readable (${code}): run as root`);
    }
  }
  throw new LiveError(`no tracefs at ${dirs.join(' or ')}: ${MOUNT_FIX}`);
}

async function readEnable(dir: string, event: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, 'events', event, 'enable'), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export interface EnableResult {
  /** Events that were on already and are used as they are. */
  alreadyOn: string[];
  /** Events this run turned on. */
  enabled: string[];
}

/**
 * Events already on (a system's enable reads "1", or "X" when some of its events are on) are
 * used as they are and reported; when none is on, all of LIVE_EVENTS are turned on.
 */
export async function enableEvents(dir: string): Promise<EnableResult> {
  const states = await Promise.all(LIVE_EVENTS.map((e) => readEnable(dir, e)));
  if (states[0] === undefined)
    throw new LiveError(
      `${dir}/events/kvmmmu/enable is missing: load the kvm module (modprobe kvm-amd or kvm-intel)`,
    );
  const alreadyOn = LIVE_EVENTS.filter((_, i) => states[i] === '1' || states[i] === 'X');
  if (alreadyOn.length > 0) return { alreadyOn, enabled: [] };
  const enabled: string[] = [];
  for (const [i, event] of LIVE_EVENTS.entries()) {
    if (states[i] === undefined) continue;
    try {
      await writeFile(join(dir, 'events', event, 'enable'), '1');
      enabled.push(event);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new LiveError(
        `cannot enable ${event} (${code} writing ${dir}/events/${event}/enable): run as root`,
      );
    }
  }
  return { alreadyOn: [], enabled };
}
