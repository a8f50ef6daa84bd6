import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LineBatcher } from './lineBatcher';
import { enableEvents, findTracefs } from './tracefs';
import { LiveError } from './liveError';
import { newToken, staticPath, startLiveServer, tokenMatches } from './server';
import { lineTimestamp, paced } from './fromCapture';

const line = (t: number, i: number) =>
  `vmm-615     [000] .....    ${t.toFixed(6)}: kvm_mmu_set_spte: gfn ${i}\n`;

describe('LineBatcher', () => {
  it('sends whole lines only, at maxBytes or after the interval', async () => {
    const got: string[] = [];
    const b = new LineBatcher((x) => got.push(x), { maxBytes: 20, intervalMs: 10 });
    b.push('aaaa\nbb');
    expect(got).toEqual([]);
    await new Promise((ok) => setTimeout(ok, 30));
    expect(got).toEqual(['aaaa\n']);
    b.push('bbbbbbbbbbbbbbbbbbbbbbbb\ncc');
    expect(got[1]).toBe('bbbbbbbbbbbbbbbbbbbbbbbbbb\n');
    b.end();
    expect(got[2]).toBe('cc\n');
    expect(got.every((x) => x.endsWith('\n'))).toBe(true);
  });
});

describe('token', () => {
  it('is random and compared exactly', () => {
    const t = newToken();
    expect(t.length).toBeGreaterThanOrEqual(32);
    expect(newToken()).not.toBe(t);
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t.slice(1), t)).toBe(false);
    expect(tokenMatches(undefined, t)).toBe(false);
  });
  it('keeps static paths inside dist', () => {
    expect(staticPath('/d', '/index.html')).toBe('/d/index.html');
    expect(staticPath('/d', '/../etc/passwd')).toBe('/d/etc/passwd');
    expect(staticPath('/d', '/..%2f..%2fetc')).toBe('/d/etc');
    expect(staticPath('/d', '/%00')).toBeUndefined();
    expect(staticPath('/d', '/%E0%A4%A')).toBeUndefined();
  });
  it('the server answers 403 without the token, and streams batches with it', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'live-dist-'));
    await writeFile(join(dist, 'index.html'), '<p>app</p>');
    const token = newToken();
    const s = await startLiveServer({ dist, token, port: 0, keepBacklog: true });
    try {
      const base = new URL(s.url).origin;
      expect((await fetch(`${base}/`)).status).toBe(403);
      expect((await fetch(`${base}/?token=wrong`)).status).toBe(403);
      expect(await (await fetch(`${base}/?token=${token}`)).text()).toBe('<p>app</p>');
      s.send('a\nb\n');
      s.end();
      const ctl = new AbortController();
      const res = await fetch(`${base}/live/events?token=${token}`, { signal: ctl.signal });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('event: end'))
        text += new TextDecoder().decode((await reader.read()).value);
      ctl.abort();
      expect(text).toContain(`data: ${JSON.stringify('a\nb\n')}`);
      expect(text).toContain('event: end');
    } finally {
      await s.close();
      await rm(dist, { recursive: true });
    }
  });
});

describe('--realtime pacing', () => {
  it('reads timestamps and waits for each line', async () => {
    expect(lineTimestamp(line(18.620823, 1))).toBeCloseTo(18.620823);
    expect(lineTimestamp('# tracer: nop')).toBeUndefined();
    let clock = 0;
    const waits: number[] = [];
    async function* src() {
      yield line(10, 1) + line(10.5, 2);
      yield line(12, 3);
    }
    const out: string[] = [];
    for await (const c of paced(
      src(),
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    ))
      out.push(c);
    expect(waits).toEqual([500, 1500]);
    expect(out.join('')).toBe(line(10, 1) + line(10.5, 2) + line(12, 3));
  });
});

describe('tracefs', () => {
  async function fake(states: Record<string, string>) {
    const dir = await mkdtemp(join(tmpdir(), 'tracefs-'));
    await writeFile(join(dir, 'trace_pipe'), '');
    for (const [ev, v] of Object.entries(states)) {
      await mkdir(join(dir, 'events', ev), { recursive: true });
      await writeFile(join(dir, 'events', ev, 'enable'), v);
    }
    return dir;
  }
  it('says how to mount it when missing', async () => {
    await expect(findTracefs('/no/such/tracefs')).rejects.toThrow(/mount -t tracefs nodev/);
  });
  it('enables the events, or uses those already on', async () => {
    const dir = await fake({ kvmmmu: '0', 'kvm/kvm_page_fault': '0', 'kvm/kvm_exit': '0' });
    expect(await findTracefs(dir)).toBe(dir);
    expect(await enableEvents(dir)).toEqual({
      alreadyOn: [],
      enabled: ['kvmmmu', 'kvm/kvm_page_fault', 'kvm/kvm_exit'],
    });
    expect(await enableEvents(dir)).toEqual({
      alreadyOn: ['kvmmmu', 'kvm/kvm_page_fault', 'kvm/kvm_exit'],
      enabled: [],
    });
    await rm(dir, { recursive: true });
  });
  it('without kvm loaded says so', async () => {
    const dir = await fake({});
    await expect(enableEvents(dir)).rejects.toBeInstanceOf(LiveError);
    await rm(dir, { recursive: true });
  });
  it('the CLI exits non-zero with one message and no stack', async () => {
    // A dist/ of its own: the test runs before `npm run build` in CI.
    const dist = await mkdtemp(join(tmpdir(), 'live-dist-'));
    await writeFile(join(dist, 'index.html'), '<!doctype html>');
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/live.ts', '--tracefs', '/no/such/tracefs', '--dist', dist],
      { encoding: 'utf8' },
    );
    await rm(dist, { recursive: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('mount -t tracefs nodev /sys/kernel/tracing');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const bad = spawnSync('npx', ['tsx', 'src/cli/live.ts', '--port', 'x'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
