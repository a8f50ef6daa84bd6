/**
 * Frames per second while the tree moves, two ways:
 *   'page'       the page itself sends one drag step or wheel notch per animation frame
 *                (synthetic events into d3-zoom), so every frame must repaint: the view's
 *                sustained rate, which is what the 30 fps target is about;
 *   'playwright' real input through the browser (CDP), as fast as Playwright delivers it:
 *                slower than the screen, so it shows whether input ever stalls a frame.
 * An in-page recorder counts requestAnimationFrame callbacks (frames the user sees), canvas
 * repaints and their cost (the canvas's data-paints / data-paint-ms), and long tasks.
 */
import type { Page } from '@playwright/test';

export type Gesture = 'drag' | 'wheel';
export type Driver = 'page' | 'playwright';

export interface MotionStats {
  driver: Driver;
  gesture: Gesture;
  ms: number;
  /** requestAnimationFrame callbacks per second. */
  fps: number;
  /** Repaints per second: equal to fps when every frame brought a change. */
  paintFps: number;
  p95FrameMs: number;
  maxFrameMs: number;
  paints: number;
  paintMeanMs: number;
  paintMaxMs: number;
  longTasks: number;
  longTaskMs: number;
  /** Pages the last repaint drew (on screen at the end). */
  pagesPainted: number;
}

interface Recorder {
  frames: number[];
  paintMs: number[];
  long: number[];
  stop: boolean;
  paints0: number;
}

declare global {
  interface Window {
    __rec?: Recorder;
  }
}

const DURATION_MS = 2000;

export async function motion(page: Page, gesture: Gesture, driver: Driver): Promise<MotionStats> {
  const box = (await page.locator('.tree-stage').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  // tsx compiles with esbuild's keepNames: functions in evaluated code call a `__name` helper
  // that only exists in Node. Give the page a no-op one.
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(
    ({ gesture, drive, ms, cx, cy }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.tree-canvas');
      const stage = document.querySelector<HTMLElement>('.tree-stage')!;
      const paints = () => Number(canvas?.dataset.paints ?? 0);
      const rec: Recorder = { frames: [], paintMs: [], long: [], stop: false, paints0: paints() };
      window.__rec = rec;
      const at = (s: number) => ({
        clientX: cx + 260 * Math.sin(2 * Math.PI * s),
        clientY: cy + 120 * Math.sin(4 * Math.PI * s),
        bubbles: true,
        cancelable: true,
        view: window,
      });
      let seen = rec.paints0;
      let t0 = -1;
      const tick = (t: number) => {
        rec.frames.push(t);
        if (paints() !== seen) {
          seen = paints();
          rec.paintMs.push(Number(canvas?.dataset.paintMs ?? 0));
        }
        if (drive) {
          if (t0 < 0) {
            t0 = t;
            if (gesture === 'drag') stage.dispatchEvent(new MouseEvent('mousedown', at(0)));
          }
          const s = (t - t0) / ms;
          if (s >= 1) {
            if (gesture === 'drag') window.dispatchEvent(new MouseEvent('mouseup', at(1)));
            rec.stop = true;
          } else if (gesture === 'drag') window.dispatchEvent(new MouseEvent('mousemove', at(s)));
          // In for a second, out for a second: through every level of detail and back.
          else
            stage.dispatchEvent(new WheelEvent('wheel', { ...at(0), deltaY: s < 0.5 ? -20 : 20 }));
        }
        if (!rec.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) rec.long.push(e.duration);
      }).observe({ type: 'longtask' });
    },
    { gesture, drive: driver === 'page', ms: DURATION_MS, cx, cy },
  );

  const t0 = Date.now();
  if (driver === 'page') await page.waitForTimeout(DURATION_MS + 100);
  else if (gesture === 'drag') {
    await page.mouse.down();
    while (Date.now() - t0 < DURATION_MS) {
      const s = (Date.now() - t0) / DURATION_MS;
      await page.mouse.move(
        cx + 260 * Math.sin(2 * Math.PI * s),
        cy + 120 * Math.sin(4 * Math.PI * s),
      );
    }
    await page.mouse.up();
  } else {
    while (Date.now() - t0 < DURATION_MS) {
      const s = (Date.now() - t0) / DURATION_MS;
      await page.mouse.wheel(0, s < 0.5 ? -60 : 60);
      await page.waitForTimeout(16);
    }
  }
  await page.waitForTimeout(100);

  const stats = await page.evaluate(() => {
    const rec = window.__rec!;
    rec.stop = true;
    const f = rec.frames;
    const gaps = f.slice(1).map((t, i) => t - f[i]!);
    const sorted = [...gaps].sort((a, b) => a - b);
    const ms = f.length > 1 ? f[f.length - 1]! - f[0]! : 0;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    const canvas = document.querySelector<HTMLCanvasElement>('.tree-canvas');
    const paints = Number(canvas?.dataset.paints ?? 0) - rec.paints0;
    return {
      ms: r1(ms),
      fps: r1(ms > 0 ? ((f.length - 1) * 1000) / ms : 0),
      paintFps: r1(ms > 0 ? (paints * 1000) / ms : 0),
      p95FrameMs: r1(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
      maxFrameMs: r1(sorted[sorted.length - 1] ?? 0),
      paints,
      paintMeanMs: r1(rec.paintMs.reduce((a, b) => a + b, 0) / Math.max(1, rec.paintMs.length)),
      paintMaxMs: r1(Math.max(0, ...rec.paintMs)),
      longTasks: rec.long.length,
      longTaskMs: r1(rec.long.reduce((a, b) => a + b, 0)),
      pagesPainted: Number(canvas?.dataset.paintedPages ?? 0),
    };
  });
  return { driver, gesture, ...stats };
}
