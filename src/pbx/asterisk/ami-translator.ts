/**
 * The one place where AMI events become domain events. Asterisk field names
 * (Linkedid, DestUniqueid, DialStatus, ChannelStateDesc, …) stop here.
 *
 * A call is every channel sharing a Linkedid; its first channel (Uniqueid = Linkedid)
 * is the caller. A dialled leg is known from DialBegin; its endpoint's role (desk,
 * fallback, bureau) comes from configuration.
 *
 * The caller channel tells the call's direction. A call the service placed is 'originated': the
 * port gives Originate a ChannelId, which Asterisk makes the first channel's Uniqueid (hence the
 * call's Linkedid), and tells this translator that id before the action is sent
 * (expectOriginated). A caller channel of an office phone (PJSIP/desk-0000000a: the endpoint's
 * role is desk, fallback or bureau) is 'outbound'. Anything else is 'inbound': a call to the
 * duty line.
 *
 * Only calls whose caller channel it saw appear are followed. A call already up when the service
 * started is not: a partial view of it (no caller, a late start) would overwrite what the earlier
 * run stored. Its hang-ups are reported instead (onUnfollowedHangup), so that the service can
 * close the stored call once the PBX no longer has it (src/calls/unfinished-calls.ts).
 */
import type { CallEvent, LegRef } from '../../core/call/call-events.js';
import type { CallDirection } from '../../core/call/call-model.js';
import type { PhoneRole } from '../../core/phone-role.js';

/** What the translator needs of an AMI message: header lookup. */
export interface AmiFields {
  get(name: string): string | undefined;
}

interface Channel {
  callId: string;
  /** Set on the caller's channel once CallerHungUp was emitted (HangupRequest and DialEnd CANCEL both say so). */
  hungUp?: boolean;
  isCaller: boolean;
  leg: LegRef | null;
  ringing: boolean;
  answered: boolean;
}

export class AmiTranslator {
  private readonly channels = new Map<string, Channel>();
  private readonly callChannels = new Map<string, Set<string>>();
  /** Ids given to Originate whose first channel has not appeared yet. */
  private readonly originating = new Set<string>();

  constructor(
    private readonly roleOf: (endpoint: string) => PhoneRole,
    private readonly now: () => Date = () => new Date(),
    /** A channel of a call this translator does not follow hung up (Linkedid given). */
    private readonly onUnfollowedHangup: (callId: string) => void = () => {},
  ) {}

  /** Calls with at least one live channel. */
  get openCalls(): number {
    return this.callChannels.size;
  }

  translate(msg: AmiFields): CallEvent[] {
    switch (msg.get('Event')) {
      case 'Newchannel':
        return this.newChannel(msg);
      case 'DialBegin':
        return this.dialBegin(msg);
      case 'DialState':
        return msg.get('DialStatus') === 'RINGING' ? this.ringing(msg, msg.get('DestUniqueid')) : [];
      case 'Newstate':
        return this.newState(msg);
      case 'DialEnd':
        return this.dialEnd(msg);
      case 'UserEvent':
        return msg.get('UserEvent') === 'DutyDial' ? this.dialplanDial(msg) : [];
      case 'HangupRequest':
        return this.hangupRequest(msg);
      case 'Hangup':
        return this.hangup(msg);
      default:
        return [];
    }
  }

  /** The call whose first channel has this Uniqueid (the ChannelId given to Originate) is one the service placed. */
  expectOriginated(callId: string): void {
    this.originating.add(callId);
  }

  /** No call will get this id after all (the PBX refused the Originate). */
  unexpectOriginated(callId: string): void {
    this.originating.delete(callId);
  }

  /** Forget one call (it ended as lost while the PBX did not answer): its later events are those of a call not followed. */
  forget(callId: string): void {
    for (const id of this.callChannels.get(callId) ?? []) this.channels.delete(id);
    this.callChannels.delete(callId);
  }

  /**
   * Forget every call (the AMI connection was lost): what happened meanwhile is unknown, so
   * their later events are those of calls not followed.
   */
  forgetAll(): void {
    this.channels.clear();
    this.callChannels.clear();
    this.originating.clear();
  }

  private newChannel(msg: AmiFields): CallEvent[] {
    const uniqueId = msg.get('Uniqueid');
    const callId = msg.get('Linkedid') ?? uniqueId;
    if (!uniqueId || !callId || this.channels.has(uniqueId)) return [];
    const isCaller = uniqueId === callId;
    if (!isCaller && !this.callChannels.has(callId)) return []; // a call not followed
    this.track(uniqueId, { callId, isCaller, leg: null, ringing: false, answered: false });
    if (!isCaller) return [];
    const { direction, placedBy } = this.directionOf(uniqueId, msg.get('Channel'));
    return [
      {
        kind: 'CallOffered',
        direction,
        callId,
        at: this.timeOf(msg),
        callerNumber: known(msg.get('CallerIDNum')),
        callerName: known(msg.get('CallerIDName')),
        dialed: known(msg.get('Exten')),
        ...(placedBy && { placedBy }),
      },
    ];
  }

  /** Who placed a call, from its first channel: the service (an id it gave Originate), an office phone, or someone calling the duty line. */
  private directionOf(uniqueId: string, channelName: string | undefined): { direction: CallDirection; placedBy?: { endpoint: string; role: PhoneRole } } {
    if (this.originating.delete(uniqueId)) return { direction: 'originated' };
    const endpoint = endpointOf(channelName, undefined);
    const role = this.roleOf(endpoint);
    return role === 'other' ? { direction: 'inbound' } : { direction: 'outbound', placedBy: { endpoint, role } };
  }

  private dialBegin(msg: AmiFields): CallEvent[] {
    const destId = msg.get('DestUniqueid');
    const callId = msg.get('DestLinkedid') ?? msg.get('Linkedid');
    if (!destId || !callId || !this.callChannels.has(callId)) return [];
    // Originate "dials" the call's own first channel (a DialBegin without a calling channel): not a phone.
    if (this.channels.get(destId)?.isCaller) return [];
    const endpoint = endpointOf(msg.get('DestChannel'), msg.get('DialString'));
    const leg: LegRef = { legId: destId, endpoint, role: this.roleOf(endpoint) };
    const channel = this.channels.get(destId) ?? this.track(destId, { callId, isCaller: false, leg: null, ringing: false, answered: false });
    channel.leg = leg;
    return [{ kind: 'LegDialed', callId, at: this.timeOf(msg), ...leg }];
  }

  private newState(msg: AmiFields): CallEvent[] {
    const state = msg.get('ChannelStateDesc');
    if (state === 'Ringing') return this.ringing(msg, msg.get('Uniqueid'));
    if (state === 'Up') return this.answered(msg, msg.get('Uniqueid'));
    return [];
  }

  private ringing(msg: AmiFields, legId: string | undefined): CallEvent[] {
    const channel = legId ? this.channels.get(legId) : undefined;
    if (!channel?.leg || channel.ringing || channel.answered) return [];
    channel.ringing = true;
    return [{ kind: 'LegRinging', callId: channel.callId, at: this.timeOf(msg), ...channel.leg }];
  }

  private answered(msg: AmiFields, legId: string | undefined): CallEvent[] {
    const channel = legId ? this.channels.get(legId) : undefined;
    if (!channel?.leg || channel.answered) return [];
    channel.answered = true;
    return [{ kind: 'LegAnswered', callId: channel.callId, at: this.timeOf(msg), ...channel.leg }];
  }

  private dialEnd(msg: AmiFields): CallEvent[] {
    const status = msg.get('DialStatus');
    const legId = msg.get('DestUniqueid');
    if (status === 'ANSWER') return this.answered(msg, legId);
    const channel = legId ? this.channels.get(legId) : undefined;
    if (!channel?.leg) return [];
    const base = { callId: channel.callId, at: this.timeOf(msg), ...channel.leg };
    switch (status) {
      case 'BUSY':
        return [{ kind: 'LegBusy', ...base }];
      case 'CHANUNAVAIL':
      case 'CONGESTION':
        return [{ kind: 'LegUnreachable', ...base, reason: status }];
      case 'NOANSWER':
        return [{ kind: 'LegNoAnswer', ...base }];
      case 'CANCEL': // Dial() was cancelled because the caller hung up
        return this.callerHungUp(channel.callId, base.at);
      default:
        return [];
    }
  }

  /**
   * The dialplan reports each Dial() result with UserEvent(DutyDial,...). It matters when the
   * endpoint could not even be called (no registered contact): Asterisk then emits no DialBegin.
   */
  private dialplanDial(msg: AmiFields): CallEvent[] {
    const callId = msg.get('Linkedid');
    const endpoint = msg.get('Endpoint');
    const status = msg.get('DialStatus');
    if (!callId || !endpoint || status !== 'CHANUNAVAIL' || !this.callChannels.has(callId)) return [];
    const dialledAlready = [...(this.callChannels.get(callId) ?? [])].some((id) => this.channels.get(id)?.leg?.endpoint === endpoint);
    if (dialledAlready) return [];
    const at = this.timeOf(msg);
    const leg: LegRef = { legId: `${callId}/${endpoint}/unreachable`, endpoint, role: this.roleOf(endpoint) };
    return [
      { kind: 'LegDialed', callId, at, ...leg },
      { kind: 'LegUnreachable', callId, at, ...leg, reason: status },
    ];
  }

  /**
   * HangupRequest is the far end asking to hang up (SIP BYE or CANCEL); the dialplan's own Hangup()
   * raises only SoftHangupRequest. On the caller's channel it is the caller hanging up.
   */
  private hangupRequest(msg: AmiFields): CallEvent[] {
    const uniqueId = msg.get('Uniqueid');
    const channel = uniqueId ? this.channels.get(uniqueId) : undefined;
    if (!channel?.isCaller) return [];
    return this.callerHungUp(channel.callId, this.timeOf(msg), channel);
  }

  private hangup(msg: AmiFields): CallEvent[] {
    const uniqueId = msg.get('Uniqueid');
    const channel = uniqueId ? this.channels.get(uniqueId) : undefined;
    if (!uniqueId || !channel) {
      const callId = msg.get('Linkedid');
      if (callId && !this.callChannels.has(callId)) this.onUnfollowedHangup(callId);
      return [];
    }
    this.channels.delete(uniqueId);
    const at = this.timeOf(msg);
    const events: CallEvent[] = [];
    const rest = this.callChannels.get(channel.callId);
    rest?.delete(uniqueId);
    if (!rest || rest.size === 0) {
      this.callChannels.delete(channel.callId);
      events.push({ kind: 'CallEnded', callId: channel.callId, at, cause: known(msg.get('Cause-txt')) });
    }
    return events;
  }

  private callerHungUp(callId: string, at: Date, callerChannel?: Channel): CallEvent[] {
    const caller = callerChannel ?? this.channels.get(callId);
    if (caller?.hungUp) return [];
    if (caller) caller.hungUp = true;
    return [{ kind: 'CallerHungUp', callId, at }];
  }

  private track(uniqueId: string, channel: Channel): Channel {
    this.channels.set(uniqueId, channel);
    let set = this.callChannels.get(channel.callId);
    if (!set) this.callChannels.set(channel.callId, (set = new Set()));
    set.add(uniqueId);
    return channel;
  }

  /** Asterisk's own event time, else when we heard of it. */
  private timeOf(msg: AmiFields): Date {
    return pbxTimeOf(msg) ?? this.now();
  }
}

/** The PBX's time of an event (`timestampevents = yes` adds `Timestamp: <epoch>.<micro>`), if it has one. */
export function pbxTimeOf(msg: AmiFields): Date | undefined {
  const ts = Number(msg.get('Timestamp'));
  return Number.isFinite(ts) && ts > 0 ? new Date(Math.round(ts * 1000)) : undefined;
}

/** "PJSIP/desk-0000000a" → "desk"; falls back to the dial string ("desk" or "PJSIP/desk"). */
export function endpointOf(channelName: string | undefined, dialString: string | undefined): string {
  const fromChannel = channelName?.match(/^[^/]+\/(.+)-[0-9a-f]+(?:;\d)?$/i)?.[1];
  if (fromChannel) return fromChannel;
  return dialString?.split('/').pop()?.split('@')[0] ?? 'unknown';
}

function known(value: string | undefined): string | null {
  return value && value !== '<unknown>' ? value : null;
}
