/**
 * Asterisk's channel event log (CEL) of one call, as domain events: the same events the AMI
 * translator gives the call rules, so a call rebuilt from CEL is judged as a live one. Asterisk
 * field names (linkedid, channame, hangupsource, …) stop here.
 *
 * The rows are cel_custom's JSON lines (scripts/lib/render-asterisk-config.sh: eventtype,
 * userdeftype, eventtime, name, num, exten, context, channame, uniqueid, linkedid, eventextra).
 * A call is every row sharing a linkedid; its first channel (uniqueid = linkedid) is the caller.
 * CEL has no "ringing": a phone's leg rings from its channel's start (CHAN_START), the ring
 * count follows from there and the cadence. What each Dial() came to is the dialplan's own
 * report (CELGenUserEvent DutyDial "<endpoint> <DIALSTATUS>", dialplan/duty-inbound.conf), also
 * for a phone that could not be called at all (no channel, no row of its own); without it, the
 * leg's hang-up cause stands in.
 */
import type { CallEvent, LegRef } from '../../core/call/call-events.js';
import type { CallDirection } from '../../core/call/call-model.js';
import type { PhoneRole } from '../../core/phone-role.js';
import { endpointOf } from './ami-translator.js';

/** One CEL row as cel_custom writes it (the fields this service asks for). */
export interface CelRow {
  eventtype: string;
  userdeftype?: string;
  /** Seconds since the epoch, to the microsecond (EventTime(double)). */
  eventtime: number;
  name?: string;
  num?: string;
  exten?: string;
  context?: string;
  channame: string;
  uniqueid: string;
  linkedid: string;
  eventextra?: string;
}

/** Q.850 causes that mean the phone could not be reached (no route, unregistered, out of order, congestion). */
const UNREACHABLE_CAUSES = new Set([1, 2, 3, 20, 27, 34, 38, 41, 42, 44, 47, 58, 66, 88]);
const CAUSE_TEXT: Readonly<Record<number, string>> = { 16: 'Normal Clearing', 17: 'User busy', 19: 'No user responding', 21: 'Call Rejected', 127: 'Interworking, unspecified' };

type DialStatus = 'ANSWER' | 'BUSY' | 'NOANSWER' | 'CANCEL' | 'CHANUNAVAIL' | 'CONGESTION' | string;

interface Leg {
  ref: LegRef;
  answered: boolean;
  status: DialStatus | null;
}

/** The eventextra of a HANGUP ({"hangupcause":16,"hangupsource":"PJSIP/…","dialstatus":"ANSWER"}) or a user event ({"extra":"…"}). */
function extraOf(row: CelRow): { hangupcause?: number; hangupsource?: string; dialstatus?: string; extra?: string } {
  if (!row.eventextra) return {};
  try {
    const parsed: unknown = JSON.parse(row.eventextra);
    return typeof parsed === 'object' && parsed !== null ? (parsed as ReturnType<typeof extraOf>) : {};
  } catch {
    return {};
  }
}

const timeOf = (row: CelRow) => new Date(Math.round(row.eventtime * 1000));
const known = (value: string | undefined) => (value && value !== '<unknown>' ? value : null);
/** A phone's channel: PJSIP (or another device technology), not a Local half the dialplan runs through. */
const isPhoneChannel = (channame: string) => !/^Local\//i.test(channame);

/** The DutyDial reports of a call, in order: endpoint and status. */
function dialReports(rows: readonly CelRow[]): { at: Date; endpoint: string; status: DialStatus }[] {
  return rows
    .filter((r) => r.eventtype === 'DutyDial' || r.userdeftype === 'DutyDial')
    .flatMap((r) => {
      const [endpoint, status] = (extraOf(r).extra ?? '').trim().split(/\s+/);
      return endpoint && status ? [{ at: timeOf(r), endpoint, status }] : [];
    });
}

function statusFromCause(cause: number | undefined, callerHungUp: boolean): DialStatus {
  if (cause === 17) return 'BUSY';
  if (cause !== undefined && UNREACHABLE_CAUSES.has(cause)) return 'CHANUNAVAIL';
  return callerHungUp ? 'CANCEL' : 'NOANSWER';
}

/**
 * One call's CEL rows (any order: sorted here by time, the file's order breaking ties) as
 * domain events, ending with CallEnded. `roleOf`: the office's endpoint roles.
 */
export function celCallEvents(rows: readonly CelRow[], roleOf: (endpoint: string) => PhoneRole): CallEvent[] {
  const sorted = rows.map((row, i) => ({ row, i })).sort((a, b) => a.row.eventtime - b.row.eventtime || a.i - b.i).map((x) => x.row);
  const callerStart = sorted.find((r) => r.eventtype === 'CHAN_START' && r.uniqueid === r.linkedid);
  if (!callerStart) return [];
  const callId = callerStart.linkedid;
  const callerHangup = sorted.find((r) => r.eventtype === 'HANGUP' && r.uniqueid === callId);
  const callerHungUp = callerHangup !== undefined && extraOf(callerHangup).hangupsource === callerStart.channame;

  // Each DutyDial report goes to the first leg of its endpoint started before it and not yet reported.
  const reports = dialReports(sorted);
  const legs = new Map<string, Leg>();
  const events: CallEvent[] = [];
  let hungUpSent = false;
  const hungUp = (at: Date) => {
    if (hungUpSent) return;
    hungUpSent = true;
    events.push({ kind: 'CallerHungUp', callId, at });
  };

  for (const row of sorted) {
    const at = timeOf(row);
    const leg = legs.get(row.uniqueid);
    switch (row.eventtype) {
      case 'CHAN_START': {
        if (row.uniqueid === callId) {
          events.push({ kind: 'CallOffered', callId, at, ...directionOf(row, roleOf), callerNumber: known(row.num), callerName: known(row.name), dialed: known(row.exten) });
        } else if (isPhoneChannel(row.channame)) {
          const endpoint = endpointOf(row.channame, undefined);
          const ref: LegRef = { legId: row.uniqueid, endpoint, role: roleOf(endpoint) };
          legs.set(row.uniqueid, { ref, answered: false, status: null });
          events.push({ kind: 'LegDialed', callId, at, ...ref }, { kind: 'LegRinging', callId, at, ...ref });
        }
        break;
      }
      case 'ANSWER':
        if (leg && !leg.answered) {
          leg.answered = true;
          events.push({ kind: 'LegAnswered', callId, at, ...leg.ref });
        }
        break;
      case 'HANGUP': {
        if (row.uniqueid === callId) {
          if (callerHungUp) hungUp(at);
          break;
        }
        if (!leg || leg.answered) break;
        const report = reports.findIndex((r) => r.endpoint === leg.ref.endpoint && r.at >= at);
        const status = report === -1 ? statusFromCause(extraOf(row).hangupcause, callerHungUp) : reports.splice(report, 1)[0]!.status;
        leg.status = status;
        if (status === 'BUSY') events.push({ kind: 'LegBusy', callId, at, ...leg.ref });
        else if (status === 'CHANUNAVAIL' || status === 'CONGESTION') events.push({ kind: 'LegUnreachable', callId, at, ...leg.ref, reason: status });
        else if (status === 'CANCEL') hungUp(at);
        else if (status !== 'ANSWER') events.push({ kind: 'LegNoAnswer', callId, at, ...leg.ref });
        break;
      }
      case 'LINKEDID_END': {
        const cause = callerHangup ? extraOf(callerHangup).hangupcause : undefined;
        events.push({ kind: 'CallEnded', callId, at, cause: cause === undefined ? null : (CAUSE_TEXT[cause] ?? `cause ${cause}`) });
        break;
      }
      default:
        // A phone that could not be called at all has no channel: only its DutyDial says so.
        if (row.eventtype === 'DutyDial' || row.userdeftype === 'DutyDial') {
          const [endpoint, status] = (extraOf(row).extra ?? '').trim().split(/\s+/);
          const dialled = [...legs.values()].some((l) => l.ref.endpoint === endpoint);
          if (endpoint && (status === 'CHANUNAVAIL' || status === 'CONGESTION') && !dialled) {
            const ref: LegRef = { legId: `${callId}/${endpoint}/unreachable`, endpoint, role: roleOf(endpoint) };
            legs.set(ref.legId, { ref, answered: false, status });
            events.push({ kind: 'LegDialed', callId, at, ...ref }, { kind: 'LegUnreachable', callId, at, ...ref, reason: status });
          }
        }
    }
  }
  return events;
}

/** A call the service placed (Originate of Local/…@duty-originate), one an office phone placed, or one to the duty line. */
function directionOf(row: CelRow, roleOf: (endpoint: string) => PhoneRole): { direction: CallDirection; placedBy?: { endpoint: string; role: PhoneRole } } {
  if (/^Local\/[^@]*@duty-originate/i.test(row.channame)) return { direction: 'originated' };
  const endpoint = endpointOf(row.channame, undefined);
  const role = roleOf(endpoint);
  return role === 'other' ? { direction: 'inbound' } : { direction: 'outbound', placedBy: { endpoint, role } };
}
