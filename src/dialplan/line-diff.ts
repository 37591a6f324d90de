/**
 * A unified line diff (diff -u style) for `dialplan diff`. Small on purpose: generated files
 * differ in a few places, so Myers' O((N+M)·D) algorithm on what is left after the common
 * head and tail is instant; past maxEdits changes the middle is shown as replaced whole.
 */

export interface LineOp {
  op: ' ' | '-' | '+';
  line: string;
}

export interface UnifiedDiffOptions {
  /** Labels of the ---/+++ lines. */
  oldLabel: string;
  newLabel: string;
  /** Unchanged lines around each change. Default 3. */
  context?: number;
  /** Edits above which the changed middle is shown as one replacement. Default 4000. */
  maxEdits?: number;
}

/** Lines of a text; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 4000): LineOp[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: readonly string[]): LineOp[] => lines.map((line) => ({ op: ' ', line }));
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail), maxEdits);
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): LineOp[] {
  const n = a.length;
  const m = b.length;
  const replaceAll = (): LineOp[] => [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
  if (n === 0 || m === 0) return replaceAll();
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v (k from -d-1 to d+1) as it was before step d, for walking back.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return replaceAll();

  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!;
    const at = (k: number) => prev[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', line: a[--x]! });
      y--;
    }
    if (prevK === k + 1) ops.push({ op: '+', line: b[--y]! });
    else ops.push({ op: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) {
    ops.push({ op: ' ', line: a[--x]! });
    y--;
  }
  return ops.reverse();
}

/** diff -u of two texts; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions): string {
  const context = options.context ?? 3;
  const ops = diffLines(splitLines(oldText), splitLines(newText), options.maxEdits);
  const changes = ops.flatMap((o, i) => (o.op === ' ' ? [] : [i]));
  if (changes.length === 0) return '';

  const groups: Array<[number, number]> = [];
  for (const i of changes) {
    const last = groups.at(-1);
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else groups.push([i, i]);
  }
  const out = [`--- ${options.oldLabel}`, `+++ ${options.newLabel}`];
  // Line numbers before each op: old counts ' ' and '-', new counts ' ' and '+'.
  let oldBefore = 0;
  let newBefore = 0;
  let cursor = 0;
  for (const [first, last] of groups) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    for (; cursor < from; cursor++) {
      if (ops[cursor]!.op !== '+') oldBefore++;
      if (ops[cursor]!.op !== '-') newBefore++;
    }
    const hunk = ops.slice(from, to + 1);
    const oldLen = hunk.filter((o) => o.op !== '+').length;
    const newLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${oldLen === 0 ? oldBefore : oldBefore + 1},${oldLen} +${newLen === 0 ? newBefore : newBefore + 1},${newLen} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}

/** Lines added and removed, for a one-line summary. */
export function diffStat(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++ ')) added++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) removed++;
  }
  return { added, removed };
}
