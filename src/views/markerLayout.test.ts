import { describe, expect, it } from 'vitest';
import { commonTag, layoutMarkers, shortLabel, type Marker } from './markerLayout';

/** The shadow-alias trace's markers, roughly where they fall on its timeline. */
const ALIAS: Marker[] = [
  { position: 0, label: 'realtrace: start workload=alias N/bytes=1000 K=100 thp=0 slot=0' },
  { position: 0, label: 'realtrace: vcpu created, entering guest (long mode, CR3=0x10000)' },
  ...Array.from({ length: 9 }, (_, i) => ({
    position: 1000 + i * 900,
    label: `realtrace: guest phase ${i + 1} done`,
  })),
  { position: 9990, label: 'realtrace: guest HLT' },
  { position: 9991, label: 'realtrace: alias check: value at ALIAS_GPA=511' },
  { position: 9995, label: 'realtrace: teardown: delete memslot 0' },
  { position: 10000, label: 'realtrace: vm closed' },
];

function overlaps(placed: ReturnType<typeof layoutMarkers>, charPx: number, gap: number) {
  const bad: string[] = [];
  const shown = placed.filter((p) => p.row !== null);
  for (const a of shown)
    for (const b of shown) {
      if (a === b || a.row !== b.row) continue;
      const aw = a.text.length * charPx + gap;
      const bw = b.text.length * charPx + gap;
      if (a.left < b.left + bw && b.left < a.left + aw) bad.push(`${a.text} / ${b.text}`);
    }
  return bad;
}

describe('marker labels on the scrubber', () => {
  it('drops a tag every label shares, and only then', () => {
    expect(commonTag(ALIAS.map((m) => m.label))).toBe('realtrace: ');
    expect(commonTag(['realtrace: a', 'other: b'])).toBe('');
    expect(commonTag(['phase 1', 'phase 2'])).toBe('');
    expect(commonTag([])).toBe('');
  });

  it('cuts long labels with an ellipsis', () => {
    expect(shortLabel('realtrace: guest phase 2 done', 'realtrace: ', 30)).toBe(
      'guest phase 2 done',
    );
    const cut = shortLabel(
      'realtrace: vcpu created, entering guest (long mode)',
      'realtrace: ',
      16,
    );
    expect(cut).toHaveLength(16);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('puts markers a few pixels apart on one tick, the first one named with "+k"', () => {
    const placed = layoutMarkers(ALIAS, { width: 1200, total: 10000, position: 5000 });
    expect(placed).toHaveLength(11);
    const start = placed[0]!;
    expect(start.labels).toHaveLength(2);
    expect(start.position).toBe(0);
    const end = placed[placed.length - 1]!;
    expect(end.labels.map((l) => l.replace('realtrace: ', ''))).toEqual([
      'guest HLT',
      'alias check: value at ALIAS_GPA=511',
      'teardown: delete memslot 0',
      'vm closed',
    ]);
    if (end.row !== null) expect(end.text).toMatch(/^guest HLT \+3$/);
  });

  it('at 1,280 px names every phase, without overlaps', () => {
    const placed = layoutMarkers(ALIAS, { width: 1200, total: 10000, position: 5000 });
    expect(overlaps(placed, 6, 10)).toEqual([]);
    for (let i = 1; i <= 9; i++)
      expect(placed.find((p) => p.text === `guest phase ${i} done`)?.row).not.toBeNull();
  });

  it('at 390 px shows the labels nearest the position, without overlaps, the rest as ticks', () => {
    const placed = layoutMarkers(ALIAS, { width: 340, total: 10000, position: 2900 });
    expect(overlaps(placed, 6, 10)).toEqual([]);
    const shown = placed.filter((p) => p.row !== null);
    expect(shown.length).toBeGreaterThan(1);
    expect(shown.length).toBeLessThan(placed.length);
    // The position is in phase 3 (2,800..3,700): that tick is current and labelled.
    const current = placed.find((p) => p.current)!;
    expect(current.labels[0]).toBe('realtrace: guest phase 3 done');
    expect(current.row).not.toBeNull();
    // Every label stays on the track.
    for (const p of shown) {
      expect(p.left).toBeGreaterThanOrEqual(0);
      expect(p.left + p.text.length * 6 + 10).toBeLessThanOrEqual(340);
    }
  });

  it('puts one edge of each label on its tick', () => {
    const placed = layoutMarkers(ALIAS, { width: 1200, total: 10000, position: 5000 });
    for (const p of placed.filter((q) => q.row !== null)) {
      const x = p.at * 1200;
      const w = p.text.length * 6 + 10;
      if (p.align === 'start') expect(p.left).toBeCloseTo(x);
      else expect(p.left + w).toBeCloseTo(x);
    }
    // The teardown tick is at the right end: its label ends there.
    expect(placed[placed.length - 1]!.align).toBe('end');
  });

  it('before the width is known: ticks only', () => {
    const placed = layoutMarkers(ALIAS, { width: 0, total: 10000, position: 0 });
    expect(placed.every((p) => p.row === null)).toBe(true);
    expect(placed[0]!.current).toBe(true);
  });

  it('an empty timeline puts every marker at the start', () => {
    const placed = layoutMarkers([{ position: 0, label: 'x' }], {
      width: 500,
      total: 0,
      position: 0,
    });
    expect(placed[0]!.at).toBe(0);
    expect(placed[0]!.row).toBe(0);
  });
});
