/**
 * `kvm-mmu-viz/schema`: the scenario language for code that writes or checks scenario documents
 * (a docs build validating its inline scenarios, an editor's completion): the zod schemas, the
 * parser with its per-path problems, the types, and the built-in presets an embed can name.
 */
export {
  scenarioSchema,
  scenarioOp,
  kernelOptionsSchema,
  parseScenario,
  problemsOf,
  formatPath,
  type Scenario,
  type ScenarioInput,
  type ScenarioOp,
  type ScenarioProblem,
} from '../scenario/schema';
export { LIMITS } from '../scenario/limits';
export { PRESETS, type Preset } from '../scenario/presets';
export { TRACE_PRESETS, type TracePreset } from '../scenario/tracePresets';
export { KERNEL_VERSIONS, type KernelVersion } from '../model/kernelVersions';
