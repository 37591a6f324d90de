/**
 * What Asterisk really loaded, read back from `dialplan show`: every context of the generated
 * files must be there with every priority (a parse error can drop part of a file without
 * failing the reload), and no Dial() may leave the PBX (002 §二(五): no forwarding to a mobile).
 */
import { endpointProblem } from './endpoint-rules.js';
import type { DialplanFile } from './dialplan-files.js';

export interface LoadedPriority {
  context: string;
  extension: string;
  /** "Dial(PJSIP/desk,${DUTY_DESK_RING_TIMEOUT},i)" */
  application: string;
  /** File name and line, e.g. "duty-schedule.conf:2315". */
  source: string;
}

/** Parse `dialplan show` output (Asterisk 22). */
export function parseDialplanShow(lines: readonly string[]): LoadedPriority[] {
  const priorities: LoadedPriority[] = [];
  let context = '';
  let extension = '';
  for (const line of lines.flatMap((l) => l.split('\n'))) {
    const ctx = /^\[ Context '([^']+)' created by '[^']*' \]/.exec(line);
    if (ctx) {
      context = ctx[1]!;
      extension = '';
      continue;
    }
    // "  's' =>            1. Set(...)   [file.conf:12]" or "     [done]         3. NoOp()   [file.conf:14]"
    // (AMI strips the leading blanks of each Output line).
    const ext = /^\s*'([^']+)' =>/.exec(line);
    if (ext) extension = ext[1]!;
    const prio = /^\s*(?:'[^']+' =>)?\s*(?:\[[^\]]*\])?\s*\d+\.\s+(.*?)\s+\[([^\]]+:\d+)\]\s*$/.exec(line);
    if (prio && context) priorities.push({ context, extension, application: prio[1]!, source: prio[2]! });
  }
  return priorities;
}

/** Priorities per context that `file` defines. */
export function prioritiesByContext(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let context: string | undefined;
  for (const line of text.split('\n')) {
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      context = header[1]!;
      counts.set(context, counts.get(context) ?? 0);
    } else if (context && /^\s*(exten|same)\s*=>/.test(line)) counts.set(context, counts.get(context)! + 1);
  }
  return counts;
}

/** Problems: generated contexts missing or incomplete in what Asterisk loaded, Dial()s that leave the PBX. */
export function verifyLoaded(files: readonly DialplanFile[], loaded: readonly LoadedPriority[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const [context, expected] of prioritiesByContext(file.text)) {
      const got = loaded.filter((p) => p.context === context && p.source.startsWith(`${file.name}:`)).length;
      if (got === 0) problems.push(`context ${context} of ${file.name} is not loaded`);
      else if (got !== expected) problems.push(`context ${context}: Asterisk loaded ${got} of the ${expected} priorities ${file.name} defines`);
    }
  }
  for (const p of loaded) {
    const dial = /^Dial\(([^,)]*)/.exec(p.application);
    if (!dial) continue;
    for (const target of dial[1]!.split('&')) {
      const problem = dialTargetProblem(target.trim());
      if (problem) problems.push(`${p.source}: [${p.context}] ${p.application}: ${problem}`);
    }
  }
  return problems;
}

/** A Dial() target must be a PJSIP endpoint of this PBX (or a variable the dialplan sets to one). */
function dialTargetProblem(target: string): string | undefined {
  const m = /^PJSIP\/(.+)$/i.exec(target);
  if (!m) return `dials ${target}: only PJSIP endpoints of this PBX may ring for the duty line (002 §二(五): no forwarding)`;
  const endpoint = m[1]!;
  if (/^\$\{[A-Z_]+\}$/.test(endpoint)) return undefined;
  return endpointProblem(endpoint);
}
