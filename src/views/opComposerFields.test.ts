import { describe, expect, it } from 'vitest';
import { scenarioOp } from '../scenario/schema';
import { OP_DEFS, opDef } from './opComposerFields';
import { parseNumber, shortMessage, validateOp } from './opComposerValidate';

describe('OP_DEFS', () => {
  it('covers every op of the scenario language, and only its fields', () => {
    const ops = scenarioOp.options.map((o) => o.shape.op.value).sort();
    expect(OP_DEFS.map((d) => d.op).sort()).toEqual(ops);
    for (const o of scenarioOp.options) {
      const keys = Object.keys(o.shape)
        .filter((k) => k !== 'op')
        .sort();
      expect(
        opDef(o.shape.op.value)
          .fields.map((f) => f.key)
          .sort(),
      ).toEqual(keys);
    }
  });
});

describe('parseNumber', () => {
  it('reads decimal, 0x hex and underscores; refuses the rest', () => {
    expect(parseNumber('0x400')).toBe(1024);
    expect(parseNumber(' 1_000 ')).toBe(1000);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('0x')).toBeNull();
    expect(parseNumber('1.5')).toBeNull();
    expect(parseNumber('12k')).toBeNull();
    expect(parseNumber('0x' + 'f'.repeat(16))).toBeNull();
  });
});

describe('validateOp', () => {
  it('builds the op as the scenario writes it, sending flags only when they differ', () => {
    const r = validateOp(opDef('fault'), {
      kind: 'nested',
      gfn: '0x40000',
      level: '3',
      hostLevel: '',
      write: true,
      writable: true,
    });
    expect(r).toEqual({
      ok: true,
      op: { op: 'fault', kind: 'nested', gfn: 0x40000, level: 3, write: true },
    });
  });
  it('keeps SPTE names as names (the schema maps them to pointers)', () => {
    expect(validateOp(opDef('add'), { head: '0', spte: 's12' })).toEqual({
      ok: true,
      op: { op: 'add', head: 0, spte: 's12' },
    });
    expect(validateOp(opDef('add'), { head: '0', spte: '12' })).toMatchObject({
      op: { spte: 12 },
    });
  });
  it('puts each error on its field, in short words', () => {
    const r = validateOp(opDef('fork'), { gfn: 'zz', count: '0', gva: '-1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      gfn: 'not a number: write it in decimal or 0x hex',
      count: 'at least 1',
      gva: 'at least 0',
    });
    expect(r.formError).toBeNull();
    const missing = validateOp(opDef('zap'), {});
    expect(!missing.ok && missing.errors).toEqual({ page: 'required' });
    const spte = validateOp(opDef('remove'), { head: '1', spte: 'x1' });
    expect(!spte.ok && spte.errors.spte).toBe('an SPTE name like "s12"');
  });
  it('shortens zod messages it knows and passes on the rest', () => {
    expect(shortMessage('Too big: expected number to be <=4194304')).toBe('at most 4,194,304');
    expect(shortMessage('Invalid input: expected int, received number')).toBe('a whole number');
    expect(shortMessage('Invalid option: expected one of "a"|"b"')).toBe('expected one of "a"|"b"');
  });
});
