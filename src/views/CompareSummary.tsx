/** Compare mode's headline: what differs between the two kernels at this point. */
import type { KernelOptions } from '../model/kernelOptions';
import type { Snapshot } from '../worker/viewTypes';
import { formatBytes } from './format';

export function CompareSummary({
  a,
  b,
  aName,
  options,
}: {
  a: Snapshot;
  b: Snapshot;
  aName: string;
  options: Partial<KernelOptions>;
}) {
  const rows: [string, number, number, (n: number) => string][] = [
    ['rmap descriptors', a.stats.rmap.descriptors, b.stats.rmap.descriptors, String],
    ['MMU memory', a.stats.memory.totalBytes, b.stats.memory.totalBytes, formatBytes],
    ['shadow pages', a.stats.pages.total, b.stats.pages.total, String],
    [
      'this op: descriptors visited',
      a.step.cost.descsVisited ?? 0,
      b.step.cost.descsVisited ?? 0,
      String,
    ],
    [
      'this op: descriptors allocated',
      a.step.cost.descsAllocated ?? 0,
      b.step.cost.descsAllocated ?? 0,
      String,
    ],
    [
      'TLB flushes so far',
      a.stats.flushes.tlb + a.stats.flushes.range,
      b.stats.flushes.tlb + b.stats.flushes.range,
      String,
    ],
  ];
  const other = Object.entries(options)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return (
    <table className="compare-summary" aria-label="Differences between the two kernels">
      <thead>
        <tr>
          <th>figure</th>
          <th>{`this kernel (rmap ${aName})`}</th>
          <th>{other}</th>
          <th>difference</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, x, y, f]) => (
          <tr key={label} className={x !== y ? 'differs' : undefined} data-row={label}>
            <th scope="row">{label}</th>
            <td data-side="main">{f(x)}</td>
            <td data-side="compare">{f(y)}</td>
            <td>{x === y ? '=' : `${y > x ? '+' : '−'}${f(Math.abs(y - x))}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
