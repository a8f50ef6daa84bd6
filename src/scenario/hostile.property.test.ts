/**
 * Hostile inputs, generated: documents mutated from the presets, arbitrary text, link hashes,
 * compare options, op-composer input, an embedding page's postMessage payloads and trace lines. Whatever comes in, nothing throws past the
 * parsers, every refusal says where (a path or a line) and why, and a refused document leaves the
 * loaded scenario as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceParseError } from '../trace/traceErrors';
import { TraceParser } from '../trace/traceParser';
import { readParentMessage } from '../embed/messages';
import { MmuSession } from '../worker/mmuSession';
import { PRESETS } from './presets';
import { parseCompareChange, parseScenario, scenarioOp } from './schema';
import { scenarioProblemsByLine } from './textErrors';
import { decodeDoc, LinkError, parseHash } from './urlState';

type Json = unknown;

/** The document with the value at one path replaced (or the key removed when `value` is undefined). */
function mutate(doc: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const [k, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    const i = Math.abs(Number(k)) % Math.max(1, copy.length);
    copy[i] = mutate(copy[i], rest, value);
    return copy;
  }
  if (doc !== null && typeof doc === 'object') {
    const copy: Record<string, Json> = { ...(doc as Record<string, Json>) };
    const keys = Object.keys(copy);
    const key = typeof k === 'number' && keys.length ? keys[k % keys.length]! : String(k);
    if (rest.length === 0 && value === undefined) delete copy[key];
    else copy[key] = mutate(copy[key], rest, value);
    return copy;
  }
  return value;
}

const presetDoc = fc.constantFrom(...PRESETS.map((p) => p.scenario as Json));
const path = fc.array(fc.oneof(fc.nat(40), fc.constantFrom('ops', 'vm', 'memslots', 'count')), {
  maxLength: 4,
});
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(undefined, -1, 2 ** 53 - 1, 1e308, NaN, '', '__proto__', { constructor: 1 }),
);
const mutatedDoc = fc.tuple(presetDoc, path, hostileValue).map(([d, p, v]) => mutate(d, p, v));

describe('hostile scenario documents', () => {
  it('are parsed or refused with a path and a message for every problem, never a throw', () => {
    fc.assert(
      fc.property(mutatedDoc, (doc) => {
        const r = parseScenario(doc);
        if (r.ok) return;
        expect(r.problems.length).toBeGreaterThan(0);
        for (const p of r.problems) {
          expect(p.path).toMatch(/\S/);
          expect(p.message).toMatch(/\S/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('as text, get a line (or a syntax note) for every problem', () => {
    const text = fc.oneof(
      mutatedDoc.map((d) => JSON.stringify(d, null, 2) ?? ''),
      mutatedDoc.map((d) => (JSON.stringify(d) ?? '').slice(0, 80)),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        for (const p of scenarioProblemsByLine(t)) {
          expect(p.line === null || p.line >= 1).toBe(true);
          expect(p.message).toMatch(/\S/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leave the loaded scenario as it was when refused', async () => {
    const session = new MmuSession();
    expect((await session.load({ preset: 'rmap-tail-count-30' })).ok).toBe(true);
    const before = JSON.stringify(session.scenarioText());
    await fc.assert(
      fc.asyncProperty(
        mutatedDoc.filter((d) => !parseScenario(d).ok),
        async (doc) => {
          const r = await session.load({ doc });
          expect(r.ok).toBe(false);
          expect(JSON.stringify(session.scenarioText())).toBe(before);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('hostile links, compare options and composer input', () => {
  it('a hash never throws, and a #doc= either decodes or is a LinkError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (s) => {
        parseHash('#' + s);
        parseHash(s);
        try {
          await decodeDoc(s);
        } catch (e) {
          expect(e).toBeInstanceOf(LinkError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('compare options and composer ops are accepted or refused with paths', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), (v) => {
        const c = parseCompareChange(v);
        if (!c.ok) for (const p of c.problems) expect(p.message).toMatch(/\S/);
        const op = scenarioOp.safeParse(v);
        if (!op.success) expect(op.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});

describe('hostile trace lines', () => {
  const good = [
    '             vmm-271     [000] .....     4.351857: tracing_mark_write: realtrace: start',
    ' CPU 0/KVM-272     [000] .....     4.40: kvm_mmu_get_page: sp gen 0 gfn 0 l4 8-byte q0 direct wux nxe ad root 1 sync new',
  ];
  const line = fc.oneof(
    fc
      .tuple(fc.constantFrom(...good), fc.nat(120), fc.string({ maxLength: 12 }))
      .map(([l, at, s]) => l.slice(0, at) + s + l.slice(at + s.length)),
    fc.string({ maxLength: 160 }),
  );
  it('either parse or fail with a TraceParseError that names the line', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const p = new TraceParser({});
        try {
          p.push(['# tracer: nop', ...lines].join('\n') + '\n');
          p.end();
        } catch (e) {
          expect(e).toBeInstanceOf(TraceParseError);
          expect((e as TraceParseError).line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile postMessage payloads from an embedding page', () => {
  const valid = fc.constantFrom<Json>(
    { type: 'kvm-mmu-viz:goto', step: 12 },
    { type: 'kvm-mmu-viz:play' },
    { type: 'kvm-mmu-viz:load', preset: 'guest-fork', step: 3 },
    { type: 'kvm-mmu-viz:load', doc: PRESETS[0]!.scenario },
  );
  const payload = fc.oneof(
    fc.tuple(valid, path, hostileValue).map(([m, p, v]) => mutate(m, p, v)),
    fc.tuple(presetDoc, path, hostileValue).map(([d, p, v]) => ({
      type: 'kvm-mmu-viz:load',
      doc: mutate(d, p, v),
    })),
    fc.anything({ maxDepth: 3 }),
  );

  it('are one of the four commands or ignored; a loaded doc that is refused leaves the scenario', async () => {
    const s = new MmuSession();
    expect((await s.load({ preset: 'rmap-tail-count-30' })).ok).toBe(true);
    await fc.assert(
      fc.asyncProperty(payload, async (data) => {
        const m = readParentMessage(data);
        if (m === null || m.type !== 'kvm-mmu-viz:load' || !m.doc) return;
        const r = await s.load({ doc: m.doc });
        if (r.ok) {
          expect((await s.load({ preset: 'rmap-tail-count-30' })).ok).toBe(true);
          return;
        }
        if ('problems' in r)
          for (const p of r.problems) {
            expect(p.path).toMatch(/\S/);
            expect(p.message).toMatch(/\S/);
          }
        expect(s.timeline!.name).toBe('rmap-tail-count-30');
      }),
      { numRuns: 150 },
    );
  });
});
