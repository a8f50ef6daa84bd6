/**
 * A damaged or hostile trace.dat is a DatError that says where and why: never another error, a
 * hang, or an allocation its sizes ask for. Cut short anywhere, a bad magic, a section or chunk
 * whose size runs past the file or inflates past the cap, corrupt zstd, and random bytes flipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from './byteSource';
import { DatError } from './datError';
import { DatTrace, parseDat } from './datReader';
import { buildDatV6 } from './datTestkit';

const REAL = new URL(
  '../../../../shared/traces/real/linux-6.1/shadow-alias/trace.dat',
  import.meta.url,
);
const FORMATS = new URL('../../../test/traces/formats/', import.meta.url);
const file = (p: string) => readFileSync(new URL(p, FORMATS), 'utf8');

/** The reader's outcome: 'ok', or the DatError's message; anything else fails the test. */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    await parseDat(bytesSource(bytes), { onEvent: () => undefined });
    return 'ok';
  } catch (e) {
    if (!(e instanceof DatError)) throw e;
    expect(e.message).toMatch(/^trace\.dat /);
    return e.message;
  }
}

const u32 = (b: Uint8Array, at: number, v: number) =>
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

describe('hostile trace.dat files', () => {
  it('refuses what is no trace.dat, and an unknown version', async () => {
    expect(await outcome(new TextEncoder().encode('hello, world\n'))).toMatch(/no .*magic/);
    const v9 = Uint8Array.from([0x17, 0x08, 0x44, ...new TextEncoder().encode('tracing9\0'), 0, 8]);
    expect(await outcome(v9)).toMatch(/file version "9"/);
  });

  it.skipIf(!existsSync(REAL))('says where a file cut short ends, wherever it is cut', async () => {
    const whole = readFileSync(REAL);
    for (const n of [
      5,
      12,
      40,
      300,
      5000,
      whole.length >> 1,
      whole.length - 3000,
      whole.length - 120, // in the last options section (a strings section follows, unread)
    ])
      expect([n, await outcome(whole.subarray(0, n))]).not.toEqual([n, 'ok']);
  });

  it.skipIf(!existsSync(REAL))(
    'refuses a section, a chunk or a size past the file or the cap',
    async () => {
      const whole = new Uint8Array(readFileSync(REAL));
      // The options section's size (the 8 bytes at +8 of its header).
      const optionsAt = Number(new DataView(whole.buffer).getBigUint64(0x1d, true));
      const big = whole.slice();
      new DataView(big.buffer).setBigUint64(optionsAt + 8, 1n << 40n, true);
      expect(await outcome(big)).toMatch(
        /options at byte \d+: a 1099511627776-byte section runs past the end/,
      );
      // CPU 0's first chunk claims 4 GiB inflated.
      const meta = (
        (await DatTrace.open(bytesSource(whole))) as unknown as {
          meta: { cpus: { offset: number }[] };
        }
      ).meta;
      const chunk = meta.cpus[0]!.offset + 4;
      const huge = whole.slice();
      u32(huge, chunk + 4, 0xfffff000);
      expect(await outcome(huge)).toMatch(
        /chunk 0 .*inflates to 4294963200 bytes: not whole 4096-byte pages within/,
      );
      const long = whole.slice();
      u32(long, chunk, 0x7fffffff);
      expect(await outcome(long)).toMatch(/compressed bytes run past the CPU's data/);
    },
  );

  it.skipIf(!existsSync(REAL))(
    'refuses corrupt zstd data in a section and in the CPU data',
    async () => {
      const whole = new Uint8Array(readFileSync(REAL));
      // The header info section sits right after the initial header: its zstd frame at 0x3d.
      const section = whole.slice();
      for (let i = 0x48; i < 0x70; i++) section[i] = 0xff;
      expect(await outcome(section)).toMatch(
        /header info at byte \d+: the zstd data does not inflate|header info/,
      );
      const meta = (
        (await DatTrace.open(bytesSource(whole))) as unknown as {
          meta: { cpus: { offset: number }[] };
        }
      ).meta;
      const data = whole.slice();
      const at = meta.cpus[0]!.offset + 20;
      for (let i = 0; i < 64; i++) data[at + i] = data[at + i]! ^ 0x5a;
      expect(await outcome(data)).toMatch(/CPU 0 data, chunk 0/);
    },
  );

  it('gives only DatErrors or events when bytes are flipped anywhere', async () => {
    const f = (p: string, system: string) => ({ system, text: file(p) });
    const good = buildDatV6({
      formats: [
        f('linux-6.12/ftrace.print.format', 'ftrace'),
        f('linux-6.12/kvmmmu.kvm_mmu_set_spte.format', 'kvmmmu'),
      ],
      headerPage: file('linux-7.3/header_page'),
      headerEvent: file('linux-7.3/header_event'),
      cpus: [
        [
          {
            ts: 5e9,
            records: Array.from({ length: 40 }, (_, i) => ({
              delta: i,
              format: 'kvm_mmu_set_spte',
              fields: { gfn: i, spte: 0xaabafa21, sptep: 0xc2be008, level: 1, r: 1, x: 1, u: 0 },
            })),
          },
        ],
      ],
    });
    expect(await outcome(good)).toBe('ok');
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    const seen = new Set<string>();
    for (let k = 0; k < 300; k++) {
      const b = good.slice();
      for (let j = 0; j < 1 + rand(4); j++) b[rand(b.length)] = rand(256);
      seen.add((await outcome(b)) === 'ok' ? 'ok' : 'error');
    }
    expect(seen).toContain('error');
  });
});
