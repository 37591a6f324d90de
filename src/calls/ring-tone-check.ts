/** The ringing tone callers hear must match the cadence rings are counted at, or every ring count is wrong. */

/** A tone's cadence: how long it sounds, then how long it is silent, per cycle. */
interface Cadence {
  onMs: number;
  offMs: number;
}

/** A warning naming both values when the PBX's ringing tone differs from the cadence rings are counted at; undefined when they agree. */
export function ringToneMismatch(zone: string, counted: Cadence, tone: Cadence | undefined): string | undefined {
  const ours = `${counted.onMs} ms on / ${counted.offMs} ms off`;
  if (!tone) return `the PBX has no ringing tone for tone zone "${zone}" (indications.conf): cannot check it against the ring cadence counted (${ours})`;
  if (tone.onMs === counted.onMs && tone.offMs === counted.offMs) return undefined;
  return `ring cadence mismatch: the PBX's ringing tone for "${zone}" is ${tone.onMs} ms on / ${tone.offMs} ms off, the service counts rings at ${ours} (rings.onMs/offMs): every ring count is wrong until they agree`;
}
