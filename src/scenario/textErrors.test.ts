import { describe, expect, it } from 'vitest';
import { MmuSession } from '../worker/mmuSession';
import { LIMITS } from './limits';
import {
  countLines,
  editorErrors,
  lineAt,
  lineOfPath,
  offsetOfLine,
  pathSegments,
  scenarioProblemsByLine,
} from './textErrors';

const doc = (ops: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'kvm-mmu-scenario/1', ...extra, ops }, null, 2);

describe('scenarioProblemsByLine', () => {
  it('finds nothing wrong with a good scenario', () => {
    expect(scenarioProblemsByLine(doc([{ op: 'fault', kind: 'tdp', gfn: 1 }]))).toEqual([]);
  });

  it('puts a schema problem on the line of its node', () => {
    const text = doc([
      { op: 'fault', kind: 'tdp', gfn: 1 },
      { op: 'zap_gfn', gfn: 'x' },
    ]);
    const lines = text.split('\n');
    const gfnLine = lines.findIndex((l) => l.includes('"gfn": "x"')) + 1;
    expect(scenarioProblemsByLine(text)).toEqual([
      { line: gfnLine, path: 'ops[1].gfn', message: 'expected number, received string' },
    ]);
  });

  it('puts a missing property on its object, and an unknown key on the key', () => {
    const text = doc([{ op: 'zap' }], { bogus: 1 });
    const lines = text.split('\n');
    const p = scenarioProblemsByLine(text);
    expect(p).toEqual([
      {
        line: lines.indexOf('  "bogus": 1,') + 1,
        path: '(document)',
        message: 'Unrecognized key: "bogus"',
      },
      {
        line: lines.findIndex((l) => l.includes('"op": "zap"')),
        path: 'ops[0].page',
        message: 'expected number, received undefined',
      },
    ]);
    expect(editorErrors(p)[1]!.message).toBe('ops[0].page: expected number, received undefined');
  });

  it('reports a JSON syntax error with its line', () => {
    const text =
      '{\n  "format": "kvm-mmu-scenario/1",\n  "ops": [\n    { "op": "zap", "page": 1, }\n  ]\n}';
    const p = scenarioProblemsByLine(text);
    expect(p[0]).toMatchObject({ line: 4, path: '(syntax)' });
    expect(editorErrors(p)[0]!.message).toMatch(/^JSON: /);
    expect(scenarioProblemsByLine('')[0]).toMatchObject({ line: 1, path: '(syntax)' });
    expect(scenarioProblemsByLine('{"a": // no\n1}')[0]!.message).toMatch(/comments/);
  });

  it('puts a refinement on the path zod gives (vm.memslots)', () => {
    const text = JSON.stringify(
      {
        format: 'kvm-mmu-scenario/1',
        vm: {
          memslots: [
            { baseGfn: 0, npages: 10 },
            { baseGfn: 5, npages: 10 },
          ],
        },
        ops: [],
      },
      null,
      2,
    );
    const p = scenarioProblemsByLine(text);
    expect(p).toEqual([
      {
        line: text.split('\n').findIndex((l) => l.includes('"memslots"')) + 1,
        path: 'vm.memslots',
        message: 'memslots overlap',
      },
    ]);
  });
});

describe('line helpers', () => {
  it('split paths, count lines and find offsets', () => {
    expect(pathSegments('ops[3].gfn')).toEqual(['ops', 3, 'gfn']);
    expect(pathSegments('vm.memslots[0].npages')).toEqual(['vm', 'memslots', 0, 'npages']);
    expect(pathSegments('(document)')).toEqual([]);
    expect(lineAt('a\nb\nc', 2)).toBe(2);
    expect(countLines('a\nb\n')).toBe(3);
    expect(offsetOfLine('a\nbb\nc', 3)).toBe(5);
    expect(offsetOfLine('a', 9)).toBe(1);
    expect(lineOfPath(doc([{ op: 'zap', page: 1 }]), 'ops[0].page')).toBe(6);
  });
});

describe('text a hostile or unlucky editor gives', () => {
  it('gives a syntax error its line and column', () => {
    const text = '{\n  "format": "kvm-mmu-scenario/1",\n  "ops": [,]\n}';
    expect(scenarioProblemsByLine(text)[0]).toEqual({
      line: 3,
      path: '(syntax)',
      message: 'expected a value at column 11',
    });
  });

  it('accepts a UTF-8 byte-order mark', async () => {
    const text = '\ufeff' + doc([{ op: 'count', head: 0 }]);
    expect(scenarioProblemsByLine(text)).toEqual([]);
    const session = new MmuSession();
    expect((await session.load({ text, name: 'bom.json' })).ok).toBe(true);
  });

  it('refuses 100,000 levels of nesting with a message, not a stack overflow', () => {
    expect(scenarioProblemsByLine('['.repeat(100_000))).toEqual([
      {
        line: 1,
        path: '(syntax)',
        message: 'nested more than 64 levels deep (at column 65); a scenario needs 4',
      },
    ]);
  });

  it('refuses a document over 4 MiB before parsing it', async () => {
    const session = new MmuSession();
    const r = await session.load({ text: ' '.repeat(LIMITS.docBytes + 1), name: 'big.json' });
    expect(r).toEqual({
      ok: false,
      problems: [
        { path: '(document)', message: '4,194,305 characters; a document may have 4,194,304' },
      ],
    });
  });
});
