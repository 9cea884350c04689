// Problems found in a topology file, each as "<file>:<line>: <path>: <problem>",
// the line taken from where the path sits in the YAML source.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type DocPath = readonly (string | number)[];

export class TopologyError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'TopologyError';
  }
}

/** links[3].b.router; the document itself is "(document)". */
export function formatPath(path: DocPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s === '' ? '(document)' : s;
}

export class Problems {
  private readonly found: { line: number; order: number; text: string }[] = [];
  /** appended to problems about a path whose value came from somewhere else (an override) */
  readonly notes = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly doc?: Document,
    private readonly lines?: LineCounter,
  ) {}

  get count(): number {
    return this.found.length;
  }

  add(path: DocPath, problem: string): void {
    const note = this.notes.get(formatPath(path));
    this.addAt(this.lineOf(path), `${formatPath(path)}: ${problem}${note ? ` ${note}` : ''}`);
  }

  addAt(line: number, text: string): void {
    this.found.push({ line, order: this.found.length, text });
  }

  /** The problems in source order, formatted. */
  list(): string[] {
    return [...this.found]
      .sort((x, y) => x.line - y.line || x.order - y.order)
      .map((p) => `${this.file}:${p.line}: ${p.text}`);
  }

  throwIfAny(): void {
    if (this.found.length) throw new TopologyError(this.list());
  }

  /** Line of the deepest node along `path` that exists; a map entry is located by its key. */
  lineOf(path: DocPath): number {
    if (!this.doc || !this.lines) return 1;
    let node: unknown = this.doc.contents;
    let at: Node | undefined = isNode(node) ? node : undefined;
    for (const step of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(step));
        if (!pair) break;
        at = isNode(pair.key) ? pair.key : at;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number' && step < node.items.length) {
        node = node.items[step];
        at = isNode(node) ? node : at;
      } else break;
    }
    const offset = at?.range?.[0] ?? 0;
    return this.lines.linePos(offset).line;
  }
}

function isNode(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && 'range' in x;
}
