/**
 * The metadata parts a trace.dat holds in both versions (laid end to end in version 6, one
 * section each in version 7): the ring-buffer headers, the ftrace and event format files, and the
 * saved command lines. kallsyms and printk formats are skipped, unread: nothing here needs them.
 */
import type { ByteStream } from './byteStream';
import { latin1Text } from './binReader';
import {
  checkEventHeader,
  parseFormat,
  parsePageHeader,
  type EventFormat,
  type PageHeader,
} from './formats';

/** A format file is a few KiB (kvm_exit's, with its exit-reason tables, 8); far past it is not one. */
const MAX_FORMAT = 1 << 20;
const MAX_HEADER = 1 << 16;
/** saved_cmdlines holds a few thousand "pid comm" lines; the cap is only against a lying size. */
const MAX_CMDLINES = 64 << 20;

async function sizedText(s: ByteStream, size: number, max: number, what: string): Promise<string> {
  if (size > max) s.fail(`${what} claims ${size} bytes, more than the ${max} such a part can hold`);
  return latin1Text(await s.take(size, what));
}

async function magic(s: ByteStream, word: string): Promise<void> {
  const at = s.pos;
  const b = await s.take(word.length + 1, `"${word}"`);
  if (latin1Text(b) !== word + '\0') s.fail(`expected "${word}"`, at);
}

/** "header_page\0", size, text, "header_event\0", size, text. */
export async function readHeaderInfo(s: ByteStream): Promise<PageHeader> {
  await magic(s, 'header_page');
  const page = await sizedText(s, await s.u64('header_page size'), MAX_HEADER, 'header_page');
  await magic(s, 'header_event');
  const event = await sizedText(s, await s.u64('header_event size'), MAX_HEADER, 'header_event');
  checkEventHeader(event);
  return parsePageHeader(page);
}

/** The ftrace system's formats (print, function, ...): a count, then size and text of each. */
export async function readFtraceFormats(
  s: ByteStream,
  into: Map<number, EventFormat>,
): Promise<void> {
  const count = await s.u32('ftrace format count');
  if (count * 8 > s.left) s.fail(`${count} ftrace formats cannot fit in what is left`);
  for (let i = 0; i < count; i++) {
    const text = await sizedText(s, await s.u64('format size'), MAX_FORMAT, 'ftrace format');
    add(into, parseFormat(text, 'ftrace', s.where), s);
  }
}

/** Every other system: a count of systems, each its name, a count, then size and text of each. */
export async function readEventFormats(
  s: ByteStream,
  into: Map<number, EventFormat>,
): Promise<void> {
  const systems = await s.u32('system count');
  if (systems * 5 > s.left) s.fail(`${systems} event systems cannot fit in what is left`);
  for (let i = 0; i < systems; i++) {
    const system = await s.cstring('system name');
    const count = await s.u32(`${system} event count`);
    if (count * 8 > s.left) s.fail(`${count} formats of ${system} cannot fit in what is left`);
    for (let k = 0; k < count; k++) {
      const text = await sizedText(s, await s.u64('format size'), MAX_FORMAT, `${system} format`);
      add(into, parseFormat(text, system, s.where), s);
    }
  }
}

function add(into: Map<number, EventFormat>, f: EventFormat, s: ByteStream): void {
  const seen = into.get(f.id);
  if (seen)
    s.fail(`event ID ${f.id} is both ${seen.system}:${seen.name} and ${f.system}:${f.name}`);
  into.set(f.id, f);
}

/** saved_cmdlines: a u64 size, then "PID COMM" lines. */
export async function readCmdlines(s: ByteStream): Promise<Map<number, string>> {
  const text = await sizedText(s, await s.u64('cmdlines size'), MAX_CMDLINES, 'cmdlines');
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) out.set(Number(line.slice(0, sp)), line.slice(sp + 1));
  }
  return out;
}
