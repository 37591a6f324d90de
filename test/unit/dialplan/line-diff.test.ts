import { describe, expect, it } from 'vitest';
import { diffLines, diffStat, splitLines, unifiedDiff } from '../../../src/dialplan/line-diff.js';

/** Apply a unified diff (as `patch` would) to check the hunks' line numbers and content. */
function applyPatch(oldText: string, diff: string): string {
  const old = splitLines(oldText);
  const out: string[] = [];
  let cursor = 0;
  const lines = diff.split('\n').slice(2);
  for (let i = 0; i < lines.length; i++) {
    const h = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[i]!);
    if (!h) continue;
    const start = Number(h[2]) === 0 ? Number(h[1]) : Number(h[1]) - 1;
    while (cursor < start) out.push(old[cursor++]!);
    for (i++; i < lines.length && !lines[i]!.startsWith('@@') && lines[i] !== ''; i++) {
      const [op, text] = [lines[i]![0], lines[i]!.slice(1)];
      if (op === ' ' || op === '-') expect(old[cursor++]).toBe(text);
      if (op === ' ' || op === '+') out.push(text);
    }
    i--;
  }
  while (cursor < old.length) out.push(old[cursor++]!);
  return out.map((l) => `${l}\n`).join('');
}

const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

describe('unified line diff (dialplan diff)', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { oldLabel: 'old', newLabel: 'new' })).toBe('');
  });

  it('writes the hunks GNU diff -u writes (three lines of context)', () => {
    const before = text(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13']);
    const after = text(['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11', '12', '13', '14']);
    // diff -u old new | tail -n +3
    const gnu = ['@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', '@@ -11,3 +11,4 @@', ' 11', ' 12', ' 13', '+14', ''];
    expect(unifiedDiff(before, after, { oldLabel: 'live/duty-schedule.conf', newLabel: 'duty-schedule.conf' })).toBe(
      ['--- live/duty-schedule.conf', '+++ duty-schedule.conf', ...gnu].join('\n'),
    );
    // Changes 5 unchanged lines apart share a hunk.
    expect(unifiedDiff(text(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']), text(['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11']), { oldLabel: 'a', newLabel: 'b' })).toMatch(
      /^--- a\n\+\+\+ b\n@@ -2,9 \+2,10 @@\n/,
    );
  });

  it('shows a new file against /dev/null', () => {
    expect(unifiedDiff('', 'x\ny\n', { oldLabel: '/dev/null', newLabel: 'new' })).toBe('--- /dev/null\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  });

  it('round-trips: applying the diff to the old text gives the new one (random texts)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const lines = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 4)));
    for (let t = 0; t < 200; t++) {
      const a = text(lines(Math.floor(random() * 30)));
      const b = text(lines(Math.floor(random() * 30)));
      const diff = unifiedDiff(a, b, { oldLabel: 'a', newLabel: 'b', context: t % 4 });
      expect(diff === '' ? a : applyPatch(a, diff)).toBe(b);
    }
  });

  it('finds a minimal edit between long texts, and falls back to replacing the middle past maxEdits', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const b = [...a.slice(0, 100), 'changed', ...a.slice(101, 4000), ...a.slice(4001)];
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.op !== ' ')).toEqual([
      { op: '-', line: 'line 100' },
      { op: '+', line: 'changed' },
      { op: '-', line: 'line 4000' },
    ]);
    const capped = diffLines(a, b, 1);
    expect(capped.filter((o) => o.op === '-')).toHaveLength(3901);
    expect(diffStat(unifiedDiff(text(a), text(b), { oldLabel: 'a', newLabel: 'b' }))).toEqual({ added: 1, removed: 2 });
  });
});
