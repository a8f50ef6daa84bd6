/**
 * "Open in kvm-mmu-viz": the embed's exact state (scenario, step, view, kernel, comparison) as a
 * link into the full app, made with the app's own link format (useUrlSync's currentUrlState), so
 * a reader of a docs page can take the figure further.
 */
import { useEffect, useState } from 'react';
import { formatHash } from '../scenario/urlState';
import { currentUrlState } from '../store/useUrlSync';
import { useVizApi, useVizStore } from '../store/useVizStore';

export function OpenInApp({ appUrl }: { appUrl: string }) {
  const store = useVizApi();
  const position = useVizStore((s) => s.position);
  const info = useVizStore((s) => s.info);
  const view = useVizStore((s) => s.view);
  const [hash, setHash] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // A document's link is deflated (async): the link appears once it is made.
    void currentUrlState(store).then((u) => {
      if (live) setHash(formatHash(u));
    });
    return () => {
      live = false;
    };
  }, [store, position, info, view]);
  if (!hash) return null;
  return (
    <a className="kmv-open" href={appUrl + hash} target="_blank" rel="noopener">
      Open in kvm-mmu-viz
    </a>
  );
}
