import type { AmiFields } from '../../src/pbx/asterisk/ami-translator.js';

/** An AMI message from a plain object, for translator tests. */
export function fields(headers: Record<string, string>): AmiFields {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) };
}

/** Parse a raw AMI capture ("Key: Value" lines, blank line between messages) into messages. */
export function parseCapture(text: string): AmiFields[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((l) => l.includes(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => fields(Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]))));
}
