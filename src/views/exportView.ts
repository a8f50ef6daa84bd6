/**
 * "Export SVG" / "Export PNG" of the view on screen. An SVG view is serialised with the page's
 * resolved colours inlined (CSS variables mean nothing outside the page); a canvas view (a large
 * tree) exports its pixels, wrapped in an <image> for SVG.
 */
export async function exportView(view: string, format: 'svg' | 'png'): Promise<void> {
  const pane = document.querySelector('[data-pane="main"]') as HTMLElement | null;
  if (!pane) return;
  const svgs = pane.querySelectorAll('svg');
  const svg = svgs.length === 1 ? svgs[0]! : null;
  const canvas = pane.querySelector('canvas');
  const name = `kvm-mmu-viz-${view}`;
  if (!svg && !canvas) {
    // Several drawings (a chain per rmap level) or an HTML view (caches, stats): the whole pane.
    const { width, height } = pane.getBoundingClientRect();
    const text = paneAsSvg(pane, width, height);
    if (format === 'svg')
      return download(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`);
    return download(await rasterize(text, width, height), `${name}.png`);
  }
  if (svg) {
    const text = serialize(svg);
    if (format === 'svg')
      return download(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`);
    return download(
      await rasterize(
        text,
        svg.viewBox.baseVal.width || svg.clientWidth,
        svg.viewBox.baseVal.height || svg.clientHeight,
      ),
      `${name}.png`,
    );
  }
  if (canvas) {
    const png = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
    if (format === 'png') return download(png, `${name}.png`);
    const url = await blobToDataUrl(png);
    const text = `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}"><image href="${url}" width="${canvas.width}" height="${canvas.height}"/></svg>`;
    return download(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`);
  }
}

/** The pane as an SVG: its HTML in a foreignObject, every element's computed style inlined. */
function paneAsSvg(pane: HTMLElement, width: number, height: number): string {
  const copy = pane.cloneNode(true) as HTMLElement;
  const src = [pane, ...pane.querySelectorAll('*')];
  const dst = [copy, ...copy.querySelectorAll('*')];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    let style = '';
    for (let k = 0; k < cs.length; k++) {
      const p = cs.item(k);
      style += `${p}:${cs.getPropertyValue(p)};`;
    }
    dst[i]!.setAttribute('style', style);
  });
  const bg = getComputedStyle(document.body).backgroundColor;
  const html = new XMLSerializer().serializeToString(copy);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}">` +
    `<rect width="100%" height="100%" fill="${bg}"/>` +
    `<foreignObject width="100%" height="100%">${html}</foreignObject></svg>`
  );
}

/** The SVG with every element's computed fill, stroke and font inlined. */
export function serialize(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('*');
  const dst = copy.querySelectorAll('*');
  const props = [
    'fill',
    'stroke',
    'stroke-width',
    'stroke-dasharray',
    'opacity',
    'font-family',
    'font-size',
    'font-weight',
  ];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = props.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    (dst[i] as SVGElement).setAttribute('style', style);
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const bg = getComputedStyle(document.body).backgroundColor;
  copy.insertAdjacentHTML('afterbegin', `<rect width="100%" height="100%" fill="${bg}"/>`);
  return new XMLSerializer().serializeToString(copy);
}

async function rasterize(svgText: string, w: number, h: number): Promise<Blob> {
  const img = new Image();
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText);
  await img.decode();
  const c = document.createElement('canvas');
  c.width = Math.ceil(w * 2);
  c.height = Math.ceil(h * 2);
  const ctx = c.getContext('2d')!;
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0);
  return new Promise((r) => c.toBlob((b) => r(b!), 'image/png'));
}

function blobToDataUrl(b: Blob): Promise<string> {
  return new Promise((resolve) => {
    const fr = new FileReader();
    fr.onload = () => resolve(String(fr.result));
    fr.readAsDataURL(b);
  });
}

function download(blob: Blob, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
