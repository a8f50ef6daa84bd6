/**
 * The figures at the shown op: MMU memory by category, counters, the op's own cost, the rmap
 * chain-length histogram, and four small timeline charts with a cursor at the current op.
 * Rows come from statsRows.ts, chart geometry from lineChart.ts; this file lays them out.
 */
import type { StatsSnapshot } from '../worker/viewTypes';
import { exactBytes, formatBytes, formatCount } from './format';
import { BarTable, LineChart } from './statsCharts';
import { costRows, histogramRows, memoryRows } from './statsRows';
import './StatsPanel.css';

/** Per-op series for the charts (TimelineSeries from the worker, or plain arrays). */
export interface SeriesLike {
  descriptors: ArrayLike<number>;
  bytes: ArrayLike<number>;
  flushes: ArrayLike<number>;
  pages: ArrayLike<number>;
}

export interface StatsPanelProps {
  stats: StatsSnapshot;
  series: SeriesLike;
  /** The op shown (0-based; -1 = before the first op). */
  op: number;
  opCount: number;
  /** The shown op's cost (StepView.cost). */
  cost: Record<string, number>;
}

export function StatsPanel({ stats, series, op, opCount, cost }: StatsPanelProps) {
  const { memory, pages, rmap, flushes, splits } = stats;
  const where =
    op < 0 ? 'before the first op' : `after op ${formatCount(op + 1)} of ${formatCount(opCount)}`;
  return (
    <section className="stats-panel" aria-label="Statistics">
      <header className="stats-head">
        <h2>Statistics</h2>
        <p className="muted">{where}</p>
      </header>
      <div className="stats-grid">
        <div className="stats-block">
          <BarTable
            caption="MMU memory"
            rows={memoryRows(memory)}
            format={formatBytes}
            valueHeader="bytes"
          />
          <p className="stats-total">
            <span>total</span>
            <span className="mono" title={exactBytes(memory.totalBytes)}>
              {formatBytes(memory.totalBytes)}
            </span>
          </p>
          <dl className="counters">
            <dt>shadow pages</dt>
            <dd>
              {formatCount(pages.total)}
              <span className="muted-inline">
                {` (shadow\u00a0MMU\u00a0${formatCount(pages.shadowMmu)}, TDP\u00a0MMU\u00a0${formatCount(pages.tdpMmu)})`}
              </span>
            </dd>
            <dt>by level</dt>
            <dd>{byLevel(pages.byLevel)}</dd>
            <dt>n_used_mmu_pages</dt>
            <dd>{`${formatCount(pages.nUsedMmuPages)} / ${formatCount(pages.nMaxMmuPages)}`}</dd>
            <dt>TLB flushes</dt>
            <dd>{`${formatCount(flushes.tlb)} all, ${formatCount(flushes.range)} range`}</dd>
            <dt>mmu_lock drops</dt>
            <dd>{formatCount(stats.lockDrops)}</dd>
            <dt>huge pages split</dt>
            <dd>
              {formatCount(splits.done)}
              {splits.refused > 0 && (
                <span className="muted-inline">{`, ${formatCount(splits.refused)} refused`}</span>
              )}
            </dd>
          </dl>
        </div>
        <KvmStatistics kvm={stats.kvm} />
        <div className="stats-block">
          <OpCost op={op} opCount={opCount} cost={cost} />
          <BarTable
            caption="rmap chain lengths (heads per bucket)"
            rows={histogramRows(rmap)}
            format={formatCount}
            valueHeader="heads"
          />
          <p className="stats-note">
            {`${formatCount(rmap.heads)} non-empty heads · ${formatCount(rmap.entries)} entries · longest ${formatCount(rmap.maxChain)} · ${formatCount(rmap.descriptors)} descriptors. Bars: log scale.`}
          </p>
        </div>
      </div>
      <h3 className="stats-sub">Over the timeline</h3>
      <div className="charts">
        <LineChart
          title="rmap descriptors"
          values={series.descriptors}
          op={op}
          format={formatCount}
        />
        <LineChart title="MMU memory" values={series.bytes} op={op} format={formatBytes} />
        <LineChart title="TLB flushes" values={series.flushes} op={op} format={formatCount} />
        <LineChart title="shadow pages" values={series.pages} op={op} format={formatCount} />
      </div>
    </section>
  );
}

/** KVM's own statistics as the model keeps them: the names of /sys/kernel/debug/kvm/<vm>/. */
function KvmStatistics({ kvm }: { kvm: StatsSnapshot['kvm'] }) {
  return (
    <div className="stats-block kvm-stats" aria-label="KVM statistics">
      <h3 className="stats-sub">KVM statistics</h3>
      <p className="stats-note">
        As <span className="mono">/sys/kernel/debug/kvm/&lt;vm&gt;/</span> names them; a replayed
        trace checks these against the kernel&apos;s own.
      </p>
      <dl className="counters" aria-label="VM statistics">
        {kvm.vm.map(([name, v]) => (
          <KvmStat key={name} name={name} value={v} />
        ))}
      </dl>
      <dl className="counters" aria-label="vCPU 0 statistics">
        {kvm.vcpu0.map(([name, v]) => (
          <KvmStat key={name} name={name} value={v} />
        ))}
      </dl>
      <p className="stats-note muted">not modelled: {kvm.notModelled.join(', ')}</p>
    </div>
  );
}

function KvmStat({ name, value }: { name: string; value: number }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{formatCount(value)}</dd>
    </>
  );
}

function OpCost({
  op,
  opCount,
  cost,
}: {
  op: number;
  opCount: number;
  cost: Record<string, number>;
}) {
  const rows = costRows(cost);
  const caption =
    op < 0 ? 'Op cost' : `Cost of op ${formatCount(op + 1)} of ${formatCount(opCount)}`;
  return (
    <table className="cost-table">
      <caption>{caption}</caption>
      <tbody>
        {op < 0 || rows.length === 0 ? (
          <tr>
            <td className="muted">{op < 0 ? 'No op has run yet.' : 'No costs recorded.'}</td>
          </tr>
        ) : (
          rows.map((r) => (
            <tr key={r.key} className={r.value === 0 ? 'zero' : undefined}>
              <th scope="row">{r.label}</th>
              <td className="mono">{formatCount(r.value)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** What one entry maps at each leaf-capable level. */
const MAPS: Record<number, string> = { 1: '4K', 2: '2M', 3: '1G' };

/** { 1: 512, 2: 1 } → "L1 (4K) 512 · L2 (2M) 1", top level first as the tree is drawn. */
function byLevel(levels: Record<number, number>): string {
  const ks = Object.keys(levels)
    .map(Number)
    .sort((a, b) => b - a);
  if (ks.length === 0) return '—';
  return (
    ks
      // No-break spaces: "L2 (2M) 1" is one item and wraps as one.
      .map((k) => `L${k}${MAPS[k] ? `\u00a0(${MAPS[k]})` : ''}\u00a0${formatCount(levels[k]!)}`)
      .join(' · ')
  );
}
