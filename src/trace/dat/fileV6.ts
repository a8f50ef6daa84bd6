/**
 * A version 6 trace.dat (trace-cmd.dat.v6(5)): everything laid end to end after the initial
 * header, nothing compressed. header_page and header_event, the ftrace formats, the event
 * formats, kallsyms (u32 size, skipped), printk formats (u32 size, skipped), saved_cmdlines (u64
 * size), the CPU count (u32), then "options  \0" and options up to id 0, then "flyrecord\0" and
 * each CPU's data offset and size (u64 each). "latency  \0" instead is a latency tracer's text.
 */
import { BinReader, latin1Text } from './binReader';
import type { ByteSource } from './byteSource';
import { ByteStream } from './byteStream';
import type { DatMeta, InitialHeader } from './datMeta';
import type { EventFormat } from './formats';
import { readCmdlines, readEventFormats, readFtraceFormats, readHeaderInfo } from './metaParts';
import { emptyOptions, readOption } from './options';

export async function readV6(src: ByteSource, h: InitialHeader): Promise<DatMeta> {
  const s = new ByteStream(src, h.end, src.size, 'header info', true, h.le);
  const page = await readHeaderInfo(s);
  const formats = new Map<number, EventFormat>();
  s.where = 'ftrace formats';
  await readFtraceFormats(s, formats);
  s.where = 'event formats';
  await readEventFormats(s, formats);
  s.where = 'kallsyms';
  s.skip(await s.u32('kallsyms size'), 'kallsyms');
  s.where = 'printk formats';
  s.skip(await s.u32('printk formats size'), 'printk formats');
  s.where = 'cmdlines';
  const cmdlines = await readCmdlines(s);
  s.where = 'CPU count';
  const count = await s.u32('CPU count');
  if (count > 65536) s.fail(`${count} CPUs`);
  s.where = 'options';
  const o = emptyOptions();
  let word = latin1Text(await s.take(10, 'options or flyrecord'));
  if (word === 'options  \0') {
    for (let id = await s.u16('option id'); id !== 0; id = await s.u16('option id')) {
      const size = await s.u32('option size');
      const at = s.pos;
      readOption(
        o,
        id,
        new BinReader(await s.take(size, `option ${id}`), h.le, 'options', at),
        false,
      );
    }
    word = latin1Text(await s.take(10, 'flyrecord'));
  }
  if (word === 'latency  \0')
    s.fail('a latency trace (tracer text), not flyrecord ring-buffer data');
  if (word !== 'flyrecord\0') s.fail(`expected "flyrecord", got "${word.replace(/\0/g, '')}"`);
  s.where = 'flyrecord CPU table';
  const cpus = [];
  for (let cpu = 0; cpu < count; cpu++)
    cpus.push({ cpu, offset: await s.u64('CPU data offset'), size: await s.u64('CPU data size') });
  return {
    version: 6,
    le: h.le,
    pageSize: h.pageSize,
    codec: null,
    page,
    formats,
    cmdlines,
    uname: o.uname,
    clock: o.clock,
    traceCmd: o.traceCmd,
    cpus,
    dataCompressed: false,
    otherBuffers: o.buffers.map((b) => b.name),
  };
}
