import { describe, expect, it } from 'vitest';
import { parseDialplanShow, prioritiesByContext, verifyLoaded } from '../../../src/dialplan/dialplan-verify.js';

// `dialplan show` as AMI's Command action returns it (Asterisk 22: leading blanks stripped).
const SHOW = [
  "[ Context 'duty-dest-leader' created by 'pbx_config' ]",
  '\'h\' =>            1. GotoIf($["${DUTY_DIAL_PENDING}" != "1"]?done) [duty-schedule.conf:20]',
  '2. Gosub(duty-schedule-report,s,1)            [duty-schedule.conf:21]',
  '[done]         3. NoOp()                                     [duty-schedule.conf:22]',
  "'s' =>            1. Set(DUTY_DESTINATION=leader)               [duty-schedule.conf:11]",
  '2. Dial(PJSIP/leader,${DUTY_FALLBACK_RING_TIMEOUT},i) [duty-schedule.conf:12]',
  '[done]         3. Hangup()                                   [duty-schedule.conf:13]',
  '',
  "[ Context 'duty-local-inbound' created by 'pbx_config' ]",
  "'8000' =>         1. Dial(PJSIP/13800138000@trunk,20)           [forward.conf:2]",
  '',
  '-= 3 extensions (7 priorities) in 2 contexts. =-',
];

const GENERATED = {
  name: 'duty-schedule.conf',
  text: [
    '; generated',
    '[duty-dest-leader]',
    'exten => s,1,Set(DUTY_DESTINATION=leader)',
    ' same => n,Dial(PJSIP/leader,${DUTY_FALLBACK_RING_TIMEOUT},i)',
    ' same => n(done),Hangup()',
    'exten => h,1,GotoIf($["${DUTY_DIAL_PENDING}" != "1"]?done)',
    ' same => n,Gosub(duty-schedule-report,s,1)',
    ' same => n(done),NoOp()',
    '',
    '[duty-route]',
    'exten => s,1,Set(DUTY_NOW=${EPOCH})',
  ].join('\n'),
};

describe('reading back what Asterisk loaded (dialplan check / apply)', () => {
  it('parses contexts, extensions, applications and their file:line, also the CLI layout with leading blanks', () => {
    const loaded = parseDialplanShow(SHOW);
    expect(loaded).toHaveLength(7);
    expect(loaded[1]).toEqual({ context: 'duty-dest-leader', extension: 'h', application: 'Gosub(duty-schedule-report,s,1)', source: 'duty-schedule.conf:21' });
    expect(loaded[6]).toMatchObject({ context: 'duty-local-inbound', extension: '8000', source: 'forward.conf:2' });
    expect(parseDialplanShow(SHOW.map((l) => (l.startsWith('[ Context') ? l : `   ${l}`)))).toEqual(loaded);
  });

  it('counts the priorities each context of a generated file defines', () => {
    expect(prioritiesByContext(GENERATED.text)).toEqual(new Map([['duty-dest-leader', 6], ['duty-route', 1]]));
  });

  it('reports generated contexts missing or loaded in part, and a Dial() that leaves the PBX', () => {
    expect(verifyLoaded([GENERATED], parseDialplanShow(SHOW))).toEqual([
      'context duty-route of duty-schedule.conf is not loaded',
      expect.stringMatching(/^forward\.conf:2: \[duty-local-inbound\] Dial\(PJSIP\/13800138000@trunk,20\): .*not be forwarded \(002 §二\(五\)\)$/),
    ]);
    const partial = parseDialplanShow(SHOW.filter((l) => !l.includes(':21]')));
    expect(verifyLoaded([GENERATED], partial)).toContain('context duty-dest-leader: Asterisk loaded 5 of the 6 priorities duty-schedule.conf defines');
    expect(verifyLoaded([], parseDialplanShow(["[ Context 'x' created by 'pbx_config' ]", "'1' => 1. Dial(Local/100@other) [x.conf:1]"]))).toEqual([
      'x.conf:1: [x] Dial(Local/100@other): dials Local/100@other: only PJSIP endpoints of this PBX may ring for the duty line (002 §二(五): no forwarding)',
    ]);
  });
});
