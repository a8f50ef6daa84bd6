/**
 * The one place d3 owns a DOM node: d3-zoom on the stage element turns wheel, drag, pinch and
 * double-click into a transform, which goes to `onZoom` (the SVG sets its group's transform, the
 * canvas repaints) without a React render per frame. Buttons and keys drive the same behaviour.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { RefObject } from 'react';
import { select, zoom, zoomIdentity, zoomTransform } from 'd3';
import type { ZoomBehavior, ZoomTransform } from 'd3';

export interface ZoomControls {
  zoomBy(factor: number): void;
  panBy(dx: number, dy: number): void;
  /** Show the drawing's box [x, y, w, h] whole, no closer than `maxK`. */
  fit(box: [number, number, number, number], maxK?: number): void;
  /** Pan so the box is on screen (centred if it was not), keeping the scale. */
  reveal(box: [number, number, number, number]): void;
  setScaleExtent(min: number, max: number): void;
  current(): ZoomTransform;
}

export interface WheelRule {
  /**
   * The wheel zooms only once the user has clicked into the drawing (it has focus) or holds
   * Ctrl, as map embeds do: inside a docs page, a wheel over the tree scrolls the page.
   */
  needsFocus: boolean;
  /** Told when a wheel was left to the page, to say how to zoom. */
  onIgnored?: () => void;
}

export function useTreeZoom(
  ref: RefObject<HTMLElement | null>,
  onZoom: (t: ZoomTransform) => void,
  wheel: WheelRule = { needsFocus: false },
): ZoomControls {
  const behaviour = useRef<ZoomBehavior<HTMLElement, unknown> | null>(null);
  const callback = useRef(onZoom);
  const rule = useRef(wheel);
  useEffect(() => {
    callback.current = onZoom;
    rule.current = wheel;
  }, [onZoom, wheel]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const z = zoom<HTMLElement, unknown>()
      .scaleExtent([0.005, 8])
      // A click that moved less than this is a click (select an entry), not a pan.
      .clickDistance(4)
      .filter((e: MouseEvent) => {
        if (
          e.type === 'wheel' &&
          rule.current.needsFocus &&
          !e.ctrlKey &&
          !el.matches(':focus-within')
        ) {
          // Not handled, so not prevented: the page scrolls.
          rule.current.onIgnored?.();
          return false;
        }
        // d3-zoom's own filter: no Ctrl-drag, primary button only.
        return (!e.ctrlKey || e.type === 'wheel') && !e.button;
      })
      .on('zoom', (e: { transform: ZoomTransform }) => callback.current(e.transform));
    select(el).call(z).on('dblclick.zoom', null);
    behaviour.current = z;
    return () => {
      select(el).on('.zoom', null);
      behaviour.current = null;
    };
  }, [ref]);

  return useMemo<ZoomControls>(() => {
    const run = (f: (z: ZoomBehavior<HTMLElement, unknown>, el: HTMLElement) => void) => {
      const el = ref.current;
      const z = behaviour.current;
      if (el && z) f(z, el);
    };
    const size = (el: HTMLElement) => [el.clientWidth, el.clientHeight] as const;
    return {
      zoomBy: (factor) => run((z, el) => z.scaleBy(select(el), factor)),
      panBy: (dx, dy) => run((z, el) => z.translateBy(select(el), dx / tOf(el).k, dy / tOf(el).k)),
      fit: ([x, y, w, h], maxK = 1.5) =>
        run((z, el) => {
          const [vw, vh] = size(el);
          if (vw === 0 || vh === 0 || w === 0 || h === 0) return;
          const k = Math.min(maxK, (0.96 * vw) / w, (0.96 * vh) / h);
          const t = zoomIdentity
            .translate((vw - k * w) / 2 - k * x, (vh - k * h) / 2 - k * y)
            .scale(k);
          z.transform(select(el), t);
        }),
      reveal: ([x, y, w, h]) =>
        run((z, el) => {
          const [vw, vh] = size(el);
          const t = tOf(el);
          const [sx, sy] = t.apply([x, y]);
          if (sx >= 0 && sy >= 0 && sx + w * t.k <= vw && sy + h * t.k <= vh) return;
          z.translateTo(select(el), x + w / 2, y + h / 2);
        }),
      setScaleExtent: (min, max) => {
        behaviour.current?.scaleExtent([min, max]);
      },
      current: () => (ref.current ? tOf(ref.current) : zoomIdentity),
    };
  }, [ref]);
}

const tOf = (el: HTMLElement): ZoomTransform => zoomTransform(el);
