/**
 * Copies of model state, for the timeline's checkpoints. The model's state is flat (typed arrays,
 * number arrays, maps of numbers); `copyFields` copies those one level deep and shares what never
 * changes after construction (variants, options, roles). Classes with object graphs (Kvm)
 * rebuild their links themselves.
 */
export function copyFields<T extends object>(src: T, overrides: Partial<T> = {}): T {
  const out = Object.create(Object.getPrototypeOf(src) as object) as Record<string, unknown>;
  for (const [k, v] of Object.entries(src)) {
    if (ArrayBuffer.isView(v)) out[k] = (v as Int32Array).slice();
    else if (Array.isArray(v)) out[k] = v.slice();
    else if (v instanceof Map) out[k] = new Map(v);
    else out[k] = v;
  }
  return Object.assign(out, overrides) as T;
}
