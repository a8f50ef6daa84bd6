/**
 * The MMU memory caches (struct kvm_mmu_memory_cache) at the shown step: one gauge per cache,
 * nobjs against its min and capacity, grouped per vCPU and per VM. The gauges answer the review
 * questions about these caches: how much memory sits idle in them (bytes held), whether a path
 * ran dry (emergency allocations), and what the capacity choice costs (split_desc_cache at 553
 * or 1026). Grouping and gauge geometry are in cacheGroups.ts.
 */
import type { CacheInfo, Focus } from '../worker/viewTypes';
import { groupCaches, gaugeText, type CacheGroup, type CacheRow } from './cacheGroups';
import { exactBytes, formatBytes, formatCount } from './format';
import './CacheView.css';

export interface CacheViewProps {
  caches: CacheInfo[];
  focus: Focus;
}

export function CacheView({ caches, focus }: CacheViewProps) {
  if (caches.length === 0) {
    return (
      <section className="cache-view" aria-label="MMU memory caches">
        <p className="muted">No MMU memory caches in this model.</p>
      </section>
    );
  }
  const groups = groupCaches(caches);
  const total = caches.reduce((n, c) => n + c.bytes, 0);
  return (
    <section className="cache-view" aria-label="MMU memory caches">
      <header className="cache-head">
        <h2>MMU memory caches</h2>
        <p className="muted">
          objects allocated ahead, outside mmu_lock ·{' '}
          <span className="mono">{formatBytes(total)}</span> held in all
        </p>
      </header>
      <div className="cache-groups">
        {groups.map((g) => (
          <Group key={g.key} group={g} focus={focus.cache} />
        ))}
      </div>
      <p className="cache-legend" aria-hidden="true">
        <span>
          <span className="key fill" /> objects (nobjs)
        </span>
        <span>
          <span className="key low" /> below min: the next top-up refills
        </span>
        <span>
          <span className="key min" /> min
        </span>
        <span>
          <span className="key unset" /> never topped up
        </span>
      </p>
    </section>
  );
}

function Group({ group, focus }: { group: CacheGroup; focus: string | undefined }) {
  const id = `cache-group-${group.key}`;
  return (
    <section className="cache-group" aria-labelledby={id}>
      <h3 id={id}>
        <span>{group.title}</span>
        <span className="group-bytes mono" title={exactBytes(group.bytes)}>
          {formatBytes(group.bytes)}
        </span>
      </h3>
      {group.note && <p className={`group-note${group.allUnset ? ' unset' : ''}`}>{group.note}</p>}
      <ul className="cache-rows">
        {group.rows.map((r) => (
          <Row
            key={r.info.name}
            row={r}
            focused={r.info.name === focus}
            noteUnset={!group.allUnset}
          />
        ))}
      </ul>
    </section>
  );
}

function Row({ row, focused, noteUnset }: { row: CacheRow; focused: boolean; noteUnset: boolean }) {
  const { info: c, gauge: g, field } = row;
  const cls = ['cache-row', focused && 'focused', g.unset && 'unset', g.belowMin && 'low']
    .filter(Boolean)
    .join(' ');
  return (
    <li className={cls} data-cache={c.name} aria-current={focused ? 'true' : undefined}>
      <div className="cache-name mono" title={c.name}>
        {breakAtUnderscores(field)}
      </div>
      <div
        className="gauge"
        role="meter"
        aria-label={c.name}
        aria-valuemin={0}
        aria-valuemax={g.max}
        aria-valuenow={c.nobjs}
        aria-valuetext={gaugeText(c)}
      >
        <div className="track">
          <div className="fill" style={{ width: `${g.fillPct}%` }} />
          <div className="min-mark" style={{ left: `${g.minPct}%` }} />
        </div>
      </div>
      <div className="cache-nums mono">
        <span className="nobjs">
          {formatCount(c.nobjs)}
          <span className="of">
            {' / '}
            {g.unset ? '—' : formatCount(c.capacity)}
          </span>
        </span>
        <span className="min-text">min {formatCount(c.min)}</span>
        <span className="bytes" title={`${c.nobjs} × ${c.objectBytes} B = ${exactBytes(c.bytes)}`}>
          {formatBytes(c.bytes)}
        </span>
      </div>
      {((noteUnset && g.unset) || c.emergencyAllocs > 0) && (
        <div className="cache-notes">
          {noteUnset && g.unset && (
            <span className="unset-note">never topped up: no capacity yet</span>
          )}
          {c.emergencyAllocs > 0 && (
            <span className="emergency">
              {formatCount(c.emergencyAllocs)} emergency{' '}
              {c.emergencyAllocs === 1 ? 'allocation' : 'allocations'} (cache empty: WARN,
              GFP_ATOMIC)
            </span>
          )}
        </div>
      )}
    </li>
  );
}

/** mmu_shadowed_info_cache and kin are longer than the name column: let them wrap after a '_'. */
function breakAtUnderscores(name: string) {
  return name.split(/(?<=_)/).map((part, i) => (
    <span key={i}>
      {i > 0 && <wbr />}
      {part}
    </span>
  ));
}
