/**
 * Compose one op of the scenario language and apply it. Pick the op under "Operation", fill
 * its fields; "Apply" checks them with the scenario schema (each error under the field at
 * fault) and only then calls onSubmit. What onSubmit returns is the model's refusal, shown as
 * an alert beside the form. Field definitions and parsing are in opComposerFields.ts.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { OP_DEFS, opDef, type FieldDef, type OpName } from './opComposerFields';
import { selectValue, validateOp, type FieldValues } from './opComposerValidate';
import './OpComposer.css';

export interface OpComposerProps {
  /** Gets the op as the scenario language writes it; resolves to the model's refusal or null. */
  onSubmit(op: unknown): Promise<string | null>;
  /** Set while ops cannot be applied (no scenario loaded, a trace is shown...): why. */
  disabledReason?: string;
}

// Values survive switching ops, so a gfn typed for a fault is still there for zap_gfn.
const INITIAL: FieldValues = { kind: 'tdp' };

export function OpComposer({ onSubmit, disabledReason }: OpComposerProps) {
  const id = useId();
  const [opName, setOpName] = useState<OpName>('fault');
  const [values, setValues] = useState<FieldValues>(INITIAL);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const def = opDef(opName);
  const disabled = disabledReason !== undefined || busy;

  const set = (key: string, v: string | boolean) => {
    setValues((old) => ({ ...old, [key]: v }));
    // The error belonged to the old value; the next Apply judges the new one.
    if (errors[key]) setErrors(({ [key]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (disabled) return;
    const v = validateOp(def, values);
    setRefusal(null);
    if (!v.ok) {
      setErrors(v.errors);
      setFormError(v.formError);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      setRefusal(await onSubmit(v.op));
    } catch (err) {
      setRefusal(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="op-composer" aria-label="Compose an op" onSubmit={submit} noValidate>
      <fieldset disabled={disabledReason !== undefined}>
        <div className="composer-op">
          <label htmlFor={`${id}-op`}>Operation</label>
          <select
            id={`${id}-op`}
            value={opName}
            aria-describedby={`${id}-help`}
            onChange={(e) => {
              setOpName(e.target.value as OpName);
              setErrors({});
              setFormError(null);
              setRefusal(null);
            }}
          >
            {OP_DEFS.map((d) => (
              <option key={d.op} value={d.op}>
                {d.op}
              </option>
            ))}
          </select>
          <p className="composer-help" id={`${id}-help`}>
            <code>{def.kernel}</code> {def.help}
          </p>
        </div>
        <div className="composer-fields">
          {def.fields.map((f) => (
            <Field
              key={`${def.op}-${f.key}`}
              id={`${id}-${f.key}`}
              field={f}
              value={values[f.key]}
              error={errors[f.key]}
              onChange={(v) => set(f.key, v)}
            />
          ))}
        </div>
        <div className="composer-actions">
          <button
            type="submit"
            disabled={busy}
            aria-describedby={disabledReason ? `${id}-why` : undefined}
          >
            Apply
          </button>
          {disabledReason !== undefined && (
            <span className="composer-why" id={`${id}-why`}>
              {disabledReason}
            </span>
          )}
        </div>
      </fieldset>
      <div role="alert" className="composer-alert">
        {refusal ?? formError}
      </div>
    </form>
  );
}

function Field({
  id,
  field: f,
  value,
  error,
  onChange,
}: {
  id: string;
  field: FieldDef;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange(v: string | boolean): void;
}) {
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [error && errId, f.hint && hintId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described,
  } as const;
  if (f.type === 'flag') {
    const on = value === undefined ? (f.defaultValue ?? false) : value === true;
    return (
      <div className={`composer-field flag${error ? ' invalid' : ''}`}>
        <label htmlFor={id}>
          <input
            {...common}
            type="checkbox"
            checked={on}
            onChange={(e) => onChange(e.target.checked)}
          />
          {f.label}
        </label>
        {error && (
          <span className="field-error" id={errId}>
            {error}
          </span>
        )}
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  return (
    <div className={`composer-field${error ? ' invalid' : ''}`}>
      <div className="field-head">
        <label htmlFor={id}>{f.label}</label>
        {/* Said visually only: required fields carry aria-required, so the name stays short. */}
        {!f.required && (
          <span className="optional" aria-hidden="true">
            optional
          </span>
        )}
      </div>
      {f.type === 'select' ? (
        <select
          {...common}
          value={selectValue(f, value)}
          onChange={(e) => onChange(e.target.value)}
        >
          {f.options!.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          value={text}
          placeholder={f.placeholder}
          onChange={(e) => onChange(e.target.value)}
          required={f.required}
          aria-required={f.required}
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          size={f.type === 'spte' ? 9 : 12}
        />
      )}
      {error && (
        <span className="field-error" id={errId}>
          {error}
        </span>
      )}
      {f.hint && (
        <span className="field-hint" id={hintId}>
          {f.hint}
        </span>
      )}
    </div>
  );
}
