/**
 * `<KvmMmuViz preset="guest-fork" step={12} views="chain" />`: the custom element for React and
 * MDX sites (Docusaurus, Nextra), published as `kvm-mmu-viz/react`. A thin wrapper: it renders a
 * `<kvm-mmu-viz>` with the same settings as attributes and loads the element's own prebuilt
 * module, which brings its own React inside its shadow root, so the site's React version does not
 * matter. The element's script is loaded from an effect, never at import: a server render (MDX
 * pages are rendered in Node) gets plain markup, and pages without a widget never fetch it.
 */
import { useEffect, type CSSProperties, type ReactNode, type Ref } from 'react';
import type * as Settings from './settings';
import type { ViewName as StoreViewName } from '../store/useVizStore';
import type { ScenarioInput } from '../scenario/schema';

// The settings' vocabulary written out here, checked against settings.ts and the store below:
// the package's types for this entry then need nothing but React's (not the store's, the
// worker's and the model's, which the originals' declarations would bring along).
export type ViewName = 'chain' | 'tree' | 'caches' | 'stats' | 'eras';
export type Controls = 'full' | 'minimal' | 'none';
export type Theme = 'light' | 'dark' | 'auto';
type Attribute =
  'preset' | 'doc' | 'src' | 'step' | 'views' | 'view' | 'controls' | 'theme' | 'autoplay';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const vocabularyMatches: [
  Same<ViewName, StoreViewName>,
  Same<Controls, Settings.Controls>,
  Same<Theme, Settings.Theme>,
  Same<Attribute, (typeof Settings.SETTING_NAMES)[number]>,
] = [true, true, true, true];
void vocabularyMatches;

export interface KvmMmuVizProps {
  /** A built-in scenario by name (the app's Scenarios menu lists them). */
  preset?: string;
  /** A scenario JSON file to fetch, relative to the page. */
  src?: string;
  /** A scenario as in the app's links (`#doc=…`). */
  doc?: string;
  /** A scenario document written in the page (`kvm-mmu-viz/schema`'s type, or its JSON text). */
  scenario?: ScenarioInput | string;
  /** The micro-step to show (default: the end). */
  step?: number;
  /** One view, several, or a comma-separated list like "chain,tree" (default `chain`). */
  views?: ViewName | `${ViewName},${string}` | readonly ViewName[];
  /** The whole timeline bar, back/play/forward with "Step k / n", or nothing (default `minimal`). */
  controls?: Controls;
  /** Default `auto`: the reader's system. */
  theme?: Theme;
  autoplay?: boolean;
  id?: string;
  className?: string;
  style?: CSSProperties;
  /** What readers without JavaScript see (the element's light-DOM content). */
  children?: ReactNode;
  ref?: Ref<HTMLElement>;
}

/** The element's attributes for these props; unset props are left out (the element's defaults). */
export function elementAttributes(props: KvmMmuVizProps): Partial<Record<Attribute, string>> {
  const out: Partial<Record<Attribute, string>> = {};
  if (props.preset !== undefined) out.preset = props.preset;
  if (props.src !== undefined) out.src = props.src;
  if (props.doc !== undefined) out.doc = props.doc;
  if (props.step !== undefined) out.step = String(props.step);
  if (props.views !== undefined)
    out.views = typeof props.views === 'string' ? props.views : props.views.join(',');
  if (props.controls !== undefined) out.controls = props.controls;
  if (props.theme !== undefined) out.theme = props.theme;
  // The element reads a present attribute as on unless it says "false".
  if (props.autoplay !== undefined) out.autoplay = String(props.autoplay);
  return out;
}

/**
 * The inline scenario as the text of a `<script type="application/json">`: `<` escaped, so no
 * `</script>` in a string can end the block early (JSON reads `\u003c` back as `<`).
 */
export function inlineScenarioText(scenario: ScenarioInput | string): string {
  const json = typeof scenario === 'string' ? scenario : JSON.stringify(scenario);
  return json.replace(/</g, '\\u003c');
}

let defining: Promise<unknown> | null = null;

/** Loads the element's module (once), which defines `<kvm-mmu-viz>`. */
export function defineKvmMmuViz(): Promise<unknown> {
  defining ??= import('./element');
  return defining;
}

export function KvmMmuViz(props: KvmMmuVizProps) {
  const { scenario, id, className, style, children, ref } = props;
  useEffect(() => {
    defineKvmMmuViz().catch((e: unknown) => {
      // The widget's box then keeps its fallback content; say why on the console.
      console.error(`kvm-mmu-viz: the element's script did not load (${String(e)})`);
    });
  }, []);
  return (
    <kvm-mmu-viz
      ref={ref}
      id={id}
      className={className}
      style={style}
      {...elementAttributes(props)}
    >
      {scenario !== undefined && (
        <script
          type="application/json"
          dangerouslySetInnerHTML={{ __html: inlineScenarioText(scenario) }}
        />
      )}
      {children}
    </kvm-mmu-viz>
  );
}

/** `<kvm-mmu-viz>` written directly in TSX: its attributes as strings. */
export type KvmMmuVizAttributes = Partial<Record<Attribute, string>> & {
  ref?: Ref<HTMLElement> | undefined;
  id?: string | undefined;
  className?: string | undefined;
  style?: CSSProperties | undefined;
  children?: ReactNode;
};

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'kvm-mmu-viz': KvmMmuVizAttributes;
    }
  }
}
