/**
 * Problems with a scenario document, by the line of its text they belong to: a JSON syntax
 * error at its offset, a schema problem (a path like `ops[3].gfn`) at the line where that node
 * starts. jsonc-parser keeps offsets for every node, which JSON.parse throws away. A path that
 * names a missing property (a required field left out) falls back to the nearest node that
 * exists, so "ops[3].gfn: required" points at op 3's opening brace.
 */
import {
  findNodeAtLocation,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { parseScenario } from './schema';

export interface LineProblem {
  /** 1-based; null when the problem has no place in the text. */
  line: number | null;
  /** The JSON path (`ops[3].gfn`), `(document)`, or `(syntax)` for a JSON error. */
  path: string;
  message: string;
}

const SYNTAX: Record<string, string> = {
  InvalidSymbol: 'invalid symbol',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** The line (1-based) that holds `offset`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The 1-based column of an offset. */
export function columnAt(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
}

/** The offset of the first bracket past MAX_JSON_DEPTH (strings skipped), or -1. */
function firstTooDeep(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++)
        if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

export function countLines(text: string): number {
  return lineAt(text, text.length);
}

/** The offset where 1-based `line` starts (the text's end past the last line). */
export function offsetOfLine(text: string, line: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}

/** `ops[3].vm.memslots[0]` → ['ops', 3, 'vm', 'memslots', 0]; `(document)` → []. */
export function pathSegments(path: string): (string | number)[] {
  if (path === '(document)') return [];
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) {
    out.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
  }
  return out;
}

/** Where a node "starts" for a reader: a property's key, not its value after the colon. */
function startOf(node: Node): number {
  return node.parent?.type === 'property' ? node.parent.offset : node.offset;
}

/** The deepest existing node along `segments`. */
function nearestNode(root: Node, segments: (string | number)[]): Node {
  for (let n = segments.length; n > 0; n--) {
    const node = findNodeAtLocation(root, segments.slice(0, n));
    if (node) return node;
  }
  return root;
}

/** The line of the node at `path` in `text` (for messages that come with a path only). */
export function lineOfPath(text: string, path: string): number | null {
  const root = parseTree(text, [], { disallowComments: true });
  return root ? lineAt(text, startOf(nearestNode(root, pathSegments(path)))) : null;
}

/** Deeper than any scenario (it needs 4 levels); jsonc-parser recurses per level. */
export const MAX_JSON_DEPTH = 64;

/** A UTF-8 byte-order mark, as editors on Windows write it: not part of the JSON. */
export const stripBom = (text: string): string =>
  text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

export function scenarioProblemsByLine(asGiven: string): LineProblem[] {
  const text = stripBom(asGiven);
  const deep = firstTooDeep(text);
  if (deep >= 0)
    return [
      {
        line: lineAt(text, deep),
        path: '(syntax)',
        message: `nested more than ${MAX_JSON_DEPTH} levels deep (at column ${columnAt(text, deep)}); a scenario needs 4`,
      },
    ];
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    if (errors.length === 0) return [{ line: 1, path: '(syntax)', message: 'empty document' }];
    const seen = new Set<string>();
    return errors.flatMap((e) => {
      const code = printParseErrorCode(e.error);
      const line = lineAt(text, e.offset);
      const message = `${SYNTAX[code] ?? code} at column ${columnAt(text, e.offset)}`;
      const key = `${line}:${message}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ line, path: '(syntax)', message }];
    });
  }
  // JSON.parse, not jsonc-parser's value: the schema should see exactly what a file load gives
  // it, and anything jsonc-parser lets through that JSON.parse does not is still an error.
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [{ line: null, path: '(syntax)', message: e instanceof Error ? e.message : String(e) }];
  }
  const parsed = parseScenario(doc);
  if (parsed.ok) return [];
  return parsed.problems
    .map((p) => {
      let node = nearestNode(root, pathSegments(p.path));
      // zod puts an unrecognised key's issue on the object: point at the key itself.
      const key = /^Unrecognized keys?: "([^"]+)"/.exec(p.message)?.[1];
      if (key !== undefined && node.type === 'object')
        node = findNodeAtLocation(node, [key]) ?? node;
      return { line: lineAt(text, startOf(node)), path: p.path, message: tidy(p.message) };
    })
    .sort((a, b) => a.line - b.line);
}

/** zod's "Invalid input: expected number, received string" reads as "expected number, ...". */
function tidy(message: string): string {
  return message.replace(/^Invalid (input|option): /, '');
}

/** The editor's form of a problem: "ops[3].gfn: expected number, received string". */
export function editorErrors(problems: LineProblem[]): { line: number | null; message: string }[] {
  return problems.map((p) => ({
    line: p.line,
    message: p.path === '(syntax)' ? `JSON: ${p.message}` : `${p.path}: ${p.message}`,
  }));
}
