/** Reading an rmap's size for reports, without counting it as a kernel operation. */
import { forEachRmapSpte } from './rmap';
import type { PteLists } from './pteLists';

export function pteListCountQuiet(L: PteLists, h: number): number {
  let n = 0;
  forEachRmapSpte(L, h, () => n++);
  return n;
}
