/**
 * The event format files a trace.dat carries (events/<system>/<event>/format as the kernel wrote
 * them), and the ring-buffer headers (events/header_page, events/header_event):
 *
 *   name: kvm_mmu_get_page
 *   ID: 1713
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	...
 *   	field:__u32 role;	offset:24;	size:4;	signed:0;
 *   print fmt: "%s %s", ...
 *
 * Records are decoded by these offsets and sizes, never by a table of our own. A file holds the
 * formats of every event of its kernel (about a thousand); only the name and ID are read of each,
 * the fields when an event is decoded or shown.
 */
import { DatError } from './datError';

export interface FormatField {
  name: string;
  /** The C declaration without the name ("unsigned long", "char[]", "__data_loc char[]"). */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
}

export interface EventFormat {
  system: string;
  name: string;
  id: number;
  /** The lines after "format:", parsed on first use. */
  fields(): readonly FormatField[];
  field(name: string): FormatField | undefined;
  printFmt: string;
}

const FIELD = /^\s*field:\s*(.*?);\s*offset:\s*(\d+);\s*size:\s*(\d+);(?:\s*signed:\s*(\d+);)?/;
const NAME = /([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*$/;

export function parseFields(text: string, where: string): FormatField[] {
  const out: FormatField[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('field:')) continue;
    const m = FIELD.exec(line);
    const n = m && NAME.exec(m[1]!);
    if (!m || !n)
      throw new DatError(where, null, `a field line that does not read: "${line.trim()}"`);
    out.push({
      name: n[1]!,
      type: (m[1]!.slice(0, n.index) + (n[2] === undefined ? '' : '[]')).trim(),
      offset: Number(m[2]),
      size: Number(m[3]),
      signed: m[4] === '1',
    });
  }
  return out;
}

/** One format file; `where` names the section for messages. */
export function parseFormat(text: string, system: string, where: string): EventFormat {
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
  if (name === undefined || id === undefined)
    throw new DatError(where, null, `a format of system ${system} without "name:" and "ID:" lines`);
  const at = text.indexOf('\nprint fmt: ');
  const printFmt = at < 0 ? '' : text.slice(at + 12).trimEnd();
  const body = at < 0 ? text : text.slice(0, at);
  let fields: FormatField[] | null = null;
  let byName: Map<string, FormatField> | null = null;
  const all = () => (fields ??= parseFields(body, `${where} (${system}:${name})`));
  return {
    system,
    name,
    id: Number(id),
    printFmt,
    fields: all,
    field(n) {
      byName ??= new Map(all().map((f) => [f.name, f]));
      return byName.get(n);
    },
  };
}

/** events/header_page: where a ring-buffer page keeps its timestamp, commit word and data. */
export interface PageHeader {
  commitOffset: number;
  /** The kernel's long: 8 on a 64-bit kernel. */
  commitSize: number;
  dataOffset: number;
}

export function parsePageHeader(text: string): PageHeader {
  const where = 'header_page';
  const f = new Map(parseFields(text, where).map((x) => [x.name, x]));
  const ts = f.get('timestamp');
  const commit = f.get('commit');
  const data = f.get('data');
  if (!ts || ts.offset !== 0 || ts.size !== 8)
    throw new DatError(where, null, 'the page timestamp is not a u64 at offset 0');
  if (!commit || (commit.size !== 4 && commit.size !== 8))
    throw new DatError(where, null, 'no 4- or 8-byte commit field');
  const dataOffset = data?.offset ?? commit.offset + commit.size;
  if (commit.offset + commit.size > dataOffset)
    throw new DatError(where, null, 'the commit field overlaps the data');
  return { commitOffset: commit.offset, commitSize: commit.size, dataOffset };
}

/**
 * events/header_event: the record header this reader knows (kernel/trace/ring_buffer.c since
 * 2.6.31): type_len 5 bits, time_delta 27 bits, then padding 29, time_extend 30, time_stamp 31.
 * The older one ("type : 2 bits") is refused.
 */
export function checkEventHeader(text: string): void {
  const bits = (name: string) => new RegExp(`${name}\\s*:\\s*(\\d+) bits`).exec(text)?.[1];
  const type = (name: string) => new RegExp(`${name}\\s*: type == (\\d+)`).exec(text)?.[1];
  if (bits('type_len') !== '5' || bits('time_delta') !== '27')
    throw new DatError(
      'header_event',
      null,
      'not the 5-bit type_len / 27-bit time_delta record header of Linux 2.6.31 and later',
    );
  if (type('padding') !== '29' || type('time_extend') !== '30' || type('time_stamp') !== '31')
    throw new DatError(
      'header_event',
      null,
      'record types other than padding 29, time_extend 30, time_stamp 31',
    );
}
