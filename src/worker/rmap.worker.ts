/**
 * The module worker that owns the model. The main thread talks to it only through `RmapApi`
 * (Comlink), and gets back plain pictures; the model's typed arrays never leave this thread.
 */
import { expose } from 'comlink';
import type { RmapOp } from '../model/rmapOps';
import type { Scenario } from '../scenario/defaultScenario';
import { RmapSession, SLICE_VARIANTS, variantInfo } from './rmapSession';
import type { SliceVariant } from './rmapSession';

const session = new RmapSession();

const api = {
  variants: () => SLICE_VARIANTS.map(variantInfo),
  load: (scenario: Scenario) => session.load(scenario),
  reset: (variant: SliceVariant) => session.reset(variant),
  switchVariant: (variant: SliceVariant) => session.switchVariant(variant),
  apply: (op: RmapOp) => session.apply(op),
  frameAt: (k: number) => session.frameAt(k),
  view: (head: number) => session.view(head),
};

export type RmapApi = typeof api;

expose(api);
