/**
 * What a replayed kernel trace says beyond the timeline: the file and the settings it ran under
 * (each given, seen in the trace, or assumed), where the kernel's own numbers were checked
 * against the model's (each check a link to its step), every contradiction (a link to the step
 * that found it; none is the replay agreeing with the kernel), and what the replay had to infer.
 * Shown beside the views whenever the timeline is a trace.
 */
import type { ReactNode } from 'react';
import type { TraceInfo, TraceSetting } from '../worker/viewTypes';
import { useVizApi, useVizStore } from '../store/useVizStore';
import './Trace.css';

/** The kinds of inference (src/trace/replay/replayState.ts), in words: one, many. */
const KIND_WORDS: Record<string, [string, string]> = {
  memslot: ['memslot (the trace names none)', 'memslots (the trace names none)'],
  root: ['root', 'roots'],
  link: [
    'link between shadow pages (non-leaf SPTEs are not traced)',
    'links between shadow pages (non-leaf SPTEs are not traced)',
  ],
  frame: ['frame of a shadow page', 'frames of shadow pages'],
  topup: ['cache top-up', 'cache top-ups'],
  role: ['page role', 'page roles'],
  split: ['huge page split', 'huge page splits'],
  sync: ['unsync page sync', 'unsync page syncs'],
  'tdp-free': ['TDP MMU page free', 'TDP MMU page frees'],
  collapse: [
    'zap of collapsible SPTEs (dirty logging off)',
    'zaps of collapsible SPTEs (dirty logging off)',
  ],
};

/** Contradictions listed (a broken replay can find thousands; the first ones say what broke). */
const SHOWN = 200;
const fmt = (n: number) => n.toLocaleString('en');
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

export function TracePanel() {
  const trace = useVizStore((s) => s.info?.trace);
  const position = useVizStore((s) => s.position);
  const api = useVizApi();
  if (!trace) return null;
  const { goTo } = api.getState();
  const matched = trace.usedPages.filter((u) => u.kernel === u.model).length;
  const n = trace.contradictions.length;
  return (
    <details className="trace-panel" id="trace-panel" open data-testid="trace-panel">
      <summary>
        Trace <span className="trace-file mono">{trace.file}</span>{' '}
        <span className={n ? 'trace-verdict bad' : 'trace-verdict ok'}>
          {n ? plural(n, 'contradiction') : 'agrees'}
        </span>
      </summary>
      <dl className="trace-settings">
        <Setting name="kernel" s={trace.kernel} show={(v) => v} />
        <Setting name="TDP" s={trace.tdp} show={(v) => (v ? 'on' : 'off')} />
        <Setting name="TDP MMU" s={trace.tdpMmu} show={(v) => (v ? 'on' : 'off')} />
      </dl>
      <p className="trace-lines">
        {plural(trace.lines, 'line')} read
        {trace.stoppedBeforeLine !== null && (
          <>
            {' '}
            · <strong>opened the part before line {trace.stoppedBeforeLine}</strong>
          </>
        )}
        {trace.lost.gaps > 0 && (
          <>
            {' '}
            · the ring buffer lost {plural(trace.lost.events, 'event')} in{' '}
            {plural(trace.lost.gaps, 'gap')}
          </>
        )}
      </p>

      <h3>The kernel&apos;s numbers</h3>
      {trace.usedPages.length === 0 ? (
        <p className="muted trace-note">
          No kvm_mmu_zap_all_fast in this trace: nothing prints used_pages to check against.
        </p>
      ) : (
        <ul className="trace-links" aria-label="used_pages checks">
          {trace.usedPages.map((u) => (
            <TraceLink key={u.line} to={u} bad={u.kernel !== u.model} at={position} goTo={goTo}>
              kvm_mmu_zap_all_fast used_pages {u.kernel} (kernel) {u.kernel === u.model ? '=' : '≠'}{' '}
              {u.model} (model)
            </TraceLink>
          ))}
        </ul>
      )}

      <KernelStatsChecks stats={trace.kernelStats} position={position} goTo={goTo} />

      <h3>Contradictions</h3>
      {n === 0 ? (
        <p className="trace-agrees" data-testid="no-contradictions">
          The replay agrees with the kernel&apos;s own numbers:{' '}
          {plural(matched, 'used-pages check')} and{' '}
          {plural(trace.kernelStats.agree, 'KVM statistic')} matched, no contradiction.
        </p>
      ) : (
        <ul className="trace-links" aria-label="Contradictions">
          {trace.contradictions.slice(0, SHOWN).map((c, i) => (
            <TraceLink key={i} to={c} bad at={position} goTo={goTo}>
              {c.message}
            </TraceLink>
          ))}
          {n > SHOWN && <li className="muted">and {fmt(n - SHOWN)} more</li>}
        </ul>
      )}

      <h3>Inferred</h3>
      <Inferences inferences={trace.inferences} />
    </details>
  );
}

/** One check or contradiction: its trace line, and a way to the step that made it. */
function TraceLink({
  to,
  bad,
  at,
  goTo,
  children,
}: {
  to: { line: number; position: number };
  bad: boolean;
  at: number;
  goTo(p: number): void;
  children: ReactNode;
}) {
  return (
    <li>
      <button
        type="button"
        className={bad ? 'trace-link bad' : 'trace-link'}
        aria-current={to.position === at ? 'step' : undefined}
        onClick={() => goTo(to.position)}
      >
        <span className="trace-ln">line {to.line}</span>: {children}
      </button>
    </li>
  );
}

/** KVM's statistics at each kvm-stats line: how many the model checked there, and any that differ. */
function KernelStatsChecks({
  stats,
  position,
  goTo,
}: {
  stats: TraceInfo['kernelStats'];
  position: number;
  goTo(p: number): void;
}) {
  if (stats.lines.length === 0)
    return (
      <p className="muted trace-note">
        No kvm-stats lines in this trace: scripts/kvm-stats-marker.sh writes them on your host.
      </p>
    );
  return (
    <>
      <p className="trace-note">
        KVM&apos;s statistics: {plural(stats.total, 'value')} checked, {fmt(stats.agree)} agree.
      </p>
      <ul className="trace-links" aria-label="KVM statistics checks">
        {stats.lines.map((l) => (
          <TraceLink key={l.line} to={l} bad={l.bad.length > 0} at={position} goTo={goTo}>
            kvm-stats {l.scope},{' '}
            {l.bad.length
              ? `${l.bad.join(', ')} differ`
              : `${plural(l.checks, 'value')} = the model's`}
          </TraceLink>
        ))}
      </ul>
      {stats.notModelled.length > 0 && (
        <details className="trace-note">
          <summary>
            Not modelled: {stats.notModelled.map((n) => n.name).join(', ')}
            {stats.outsideMmu > 0 &&
              `, and ${plural(stats.outsideMmu, 'statistic')} outside the MMU`}
          </summary>
          <ul>
            {stats.notModelled.map((n) => (
              <li key={n.name}>
                <span className="mono">{n.name}</span>: {n.why}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

/** In the header's line about the timeline: the verdict, and a way to the panel. */
export function TraceVerdict() {
  const trace = useVizStore((s) => s.info?.trace);
  if (!trace) return null;
  const n = trace.contradictions.length;
  const show = () => {
    const panel = document.getElementById('trace-panel');
    if (!(panel instanceof HTMLDetailsElement)) return;
    panel.open = true;
    panel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    panel.querySelector('summary')?.focus({ preventScroll: true });
  };
  return (
    <button type="button" className={n ? 'trace-jump bad' : 'trace-jump'} onClick={show}>
      {n ? `trace: ${plural(n, 'contradiction')}` : "trace: agrees with the kernel's numbers"}
    </button>
  );
}

function Setting<T>({ name, s, show }: { name: string; s: TraceSetting<T>; show(v: T): string }) {
  return (
    <div className={`trace-setting how-${s.how}`}>
      <dt>{name}</dt>
      <dd>
        <strong>{show(s.value)}</strong> — <span className="trace-how">{s.how}</span>: {s.why}
      </dd>
    </div>
  );
}

function Inferences({ inferences }: { inferences: TraceInfo['inferences'] }) {
  const kinds = Object.entries(inferences.byKind)
    .filter(([, k]) => k > 0)
    .sort((a, b) => b[1] - a[1]);
  return (
    <>
      <p className="trace-note">
        {inferences.total === 0
          ? 'Nothing: every step is in the trace.'
          : `${plural(inferences.total, 'step')} the trace does not show, put in from the kernel's code paths:`}
      </p>
      {kinds.length > 0 && (
        <ul className="trace-kinds">
          {kinds.map(([kind, count]) => (
            <li key={kind}>
              <span className="mono">{fmt(count)}</span>{' '}
              {KIND_WORDS[kind]?.[count === 1 ? 0 : 1] ?? kind}
            </li>
          ))}
        </ul>
      )}
      <p className="trace-note muted">
        Inferred steps are marked <span className="step-badge mark-inferred">inferred</span> in the
        step list, and inferred links are dashed in the tree.
      </p>
    </>
  );
}
