/**
 * Reading a YAML (or JSON) file node by node so that every complaint names file:line and the
 * field, e.g. "schedule.yaml:14: plans.winter.workday.periods[1]: period … overlaps …".
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface SourceIssue {
  file: string;
  line: number;
  /** Dotted path of the field, e.g. "plans.winter.workday.periods[1].to"; empty for the whole file. */
  field: string;
  message: string;
}

export const formatIssue = (i: SourceIssue): string => `${i.file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}`;

/** A file that failed validation, with every problem found (not only the first). */
export class FileValidationError extends Error {
  override name = 'FileValidationError';
  constructor(readonly issues: readonly SourceIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export interface MapEntry {
  key: string;
  keyNode: Node | null;
  value: Node | null;
}

export class YamlSource {
  readonly issues: SourceIssue[] = [];
  readonly root: Node | null;
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of this.doc.errors) this.issues.push({ file, line: this.lines.linePos(e.pos[0]).line, field: '', message: e.message.split('\n')[0]! });
    this.root = this.issues.length > 0 ? null : this.resolve(this.doc.contents);
  }

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  report(node: Node | null | undefined, field: string, message: string): void {
    this.issues.push({ file: this.file, line: this.lineOf(node), field, message });
  }

  throwIfIssues(): void {
    if (this.issues.length > 0) throw new FileValidationError([...this.issues].sort((a, b) => a.line - b.line));
  }

  resolve(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return (node as Node | null | undefined) ?? null;
  }

  /** Entries of a mapping, or undefined (reported) if the node is something else; `at` locates a missing node. */
  map(node: Node | null | undefined, field: string, at?: Node | null): MapEntry[] | undefined {
    if (!isMap(node)) {
      this.report(node ?? at, field, isEmpty(node) ? 'is missing' : 'must be a mapping (key: value)');
      return undefined;
    }
    return node.items.map((pair) => {
      const keyNode = this.resolve(pair.key);
      return { key: isScalar(keyNode) ? String(keyNode.value) : '?', keyNode, value: this.resolve(pair.value) };
    });
  }

  /** A mapping with known keys only: unknown keys are reported (they are usually typos). */
  fields(node: Node | null | undefined, field: string, allowed: readonly string[], at?: Node | null): Map<string, MapEntry> | undefined {
    const entries = this.map(node, field, at);
    if (!entries) return undefined;
    const result = new Map<string, MapEntry>();
    for (const e of entries) {
      if (allowed.includes(e.key)) result.set(e.key, e);
      else this.report(e.keyNode, join(field, e.key), `unknown setting (expected one of: ${allowed.join(', ')})`);
    }
    return result;
  }

  seq(node: Node | null | undefined, field: string, at?: Node | null): (Node | null)[] | undefined {
    if (!isSeq(node)) {
      this.report(node ?? at, field, isEmpty(node) ? 'is missing' : 'must be a list');
      return undefined;
    }
    return node.items.map((item) => this.resolve(item));
  }

  /** A scalar as text (numbers too: an endpoint may be written 8001); reports missing values and collections. */
  string(node: Node | null | undefined, field: string, at?: Node | null): string | undefined {
    if (isEmpty(node)) {
      this.report(node ?? at, field, 'is missing');
      return undefined;
    }
    if (!isScalar(node) || typeof node.value === 'object') {
      this.report(node, field, 'must be a single value');
      return undefined;
    }
    return String(node.value);
  }
}

/** Absent, or written with nothing after the colon. */
export const isEmpty = (node: Node | null | undefined): boolean =>
  !node || (isScalar(node) && (node.value === null || node.value === undefined));

export const join = (field: string, key: string): string => (field ? `${field}.${key}` : key);
