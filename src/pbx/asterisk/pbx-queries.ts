/**
 * What the service asks the PBX over AMI, with Asterisk's action, header and CLI names kept
 * here: its clock (Ping), the calls it has live (CoreShowChannels) and the ringing tone it plays
 * (`indication show`).
 */
import type { AmiClient } from '../ami/index.js';
import { pbxTimeOf } from './ami-translator.js';

/**
 * The PBX's clock, from the Timestamp of its answer to a Ping. The answer comes on the event
 * stream's own connection, after the events Asterisk queued before it: once it is here, every
 * event stamped earlier has been delivered.
 */
export async function askPbxTime(ami: AmiClient, timeoutMs: number): Promise<Date> {
  const response = await ami.action('Ping', {}, { timeoutMs });
  const at = pbxTimeOf(response.frame);
  if (!at) throw new Error('the PBX answered Ping without a Timestamp');
  return at;
}

/** The calls (Linkedids) with a live channel in the PBX. */
export async function listLiveCalls(ami: AmiClient): Promise<Set<string>> {
  const response = await ami.action('CoreShowChannels');
  return new Set(response.events.map((e) => e.get('Linkedid')).filter((id): id is string => Boolean(id)));
}

/** A tone's cadence: how long it sounds, then how long it is silent, per cycle. */
export interface ToneCadence {
  onMs: number;
  offMs: number;
}

/**
 * The ringing tone the PBX plays callers for a tone zone (indications.conf), as `indication
 * show <zone>` prints it: "cn      ring            450/1000,0/4000". Undefined when the zone or
 * its ring tone is not there.
 */
export async function readRingTone(ami: AmiClient, zone: string): Promise<ToneCadence | undefined> {
  const response = await ami.action('Command', { Command: `indication show ${zone}` });
  return parseRingTone(response.frame.getAll('Output'), zone);
}

export function parseRingTone(lines: readonly string[], zone: string): ToneCadence | undefined {
  for (const line of lines) {
    const [country, name, playlist] = line.trim().split(/\s+/);
    if (country === zone && name === 'ring' && playlist) return cadenceOf(playlist);
  }
  return undefined;
}

/** "450/1000,0/4000" → 1000 ms on, 4000 ms off (a part at 0 Hz is silence; "!" marks a part played once). */
function cadenceOf(playlist: string): ToneCadence | undefined {
  let onMs = 0;
  let offMs = 0;
  for (const part of playlist.split(',')) {
    const m = /^!?([\d+*]+)\/(\d+)$/.exec(part.trim());
    if (!m) return undefined;
    if (/^0+$/.test(m[1]!)) offMs += Number(m[2]);
    else onMs += Number(m[2]);
  }
  return onMs > 0 ? { onMs, offMs } : undefined;
}
