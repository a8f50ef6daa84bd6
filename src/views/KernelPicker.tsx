/**
 * Which kernel the scenario runs as: the versions the reviews argue about, each setting every
 * dated behaviour (list era, add's return, gfns pages, eager splitting, the split's last step,
 * the shrinker, ...). What the version implies, and which commit brought it, opens below; so
 * does what the model does not implement for that version.
 */
import { useVizApi, useVizStore } from '../store/useVizStore';
import type { KernelVersion } from '../model/kernelVersions';

export function KernelPicker() {
  const kernels = useVizStore((s) => s.kernels);
  const info = useVizStore((s) => s.info);
  const source = useVizStore((s) => s.source);
  const api = useVizApi();
  const current = kernels.find((k) => k.version === info?.kernel);

  // The same scenario as another kernel, shown at the end of the op that was on screen (the
  // micro-step counts differ between kernels, so a position number would land elsewhere).
  const runAs = async (version: KernelVersion) => {
    const { load, snapshot, goTo } = api.getState();
    const op = snapshot?.step.op ?? -1;
    const ok =
      source && 'preset' in source
        ? await load({ preset: source.preset, kernel: version }, `${source.preset} as ${version}`)
        : await load(
            { loaded: true, kernel: version },
            `${info?.name ?? 'scenario'} as ${version}`,
          );
    const starts = api.getState().info?.opStart;
    if (ok && starts && op >= 0 && op + 1 < starts.length) goTo(starts[op + 1]!);
  };

  return (
    <div className="kernel-picker">
      <label>
        Kernel{' '}
        <select
          aria-label="Kernel version"
          value={info?.kernel ?? 'current'}
          onChange={(e) => void runAs(e.target.value as KernelVersion)}
          disabled={!info}
        >
          {kernels.map((k) => (
            <option key={k.version} value={k.version}>
              {k.version === 'current' ? 'current (as 7.3)' : `v${k.version}`}
            </option>
          ))}
        </select>
      </label>
      {current && (
        <details className="kernel-details">
          <summary>what it implies</summary>
          <table aria-label={`Behaviours of ${current.version}`}>
            <tbody>
              {current.behaviours.map((b) => (
                <tr key={b.option}>
                  <th scope="row">
                    <code>{b.option}</code>
                  </th>
                  <td>
                    <code>{String(b.value)}</code>
                  </td>
                  <td>{b.what}</td>
                  <td className="muted">
                    since v{b.since}
                    {b.commit ? ` (${b.commit})` : ''}
                  </td>
                </tr>
              ))}
              {current.unmodelled.map((n) => (
                <tr key={n} className="unmodelled">
                  <th scope="row">not modelled</th>
                  <td colSpan={3}>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {current && current.unmodelled.length > 1 && (
        <span className="muted kernel-note">{current.unmodelled[0]}</span>
      )}
    </div>
  );
}
