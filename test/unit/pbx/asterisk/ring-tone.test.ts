import { describe, expect, it } from 'vitest';
import { ringToneMismatch } from '../../../../src/calls/ring-tone-check.js';
import { parseRingTone } from '../../../../src/pbx/asterisk/pbx-queries.js';

// `indication show cn` as the sandbox's Asterisk 22 prints it (one AMI Output header per line).
const cn = [
  'Country Indication      PlayList',
  '=====================================',
  'cn      <ringcadence>   1000,4000',
  'cn      dial            450',
  'cn      busy            450/350,0/350',
  'cn      ring            450/1000,0/4000',
  'cn      congestion      450/700,0/700',
];

describe("the PBX's ringing tone from `indication show`", () => {
  it('reads the ring tone of the zone: 450 Hz for 1000 ms, then 4000 ms of silence', () => {
    expect(parseRingTone(cn, 'cn')).toEqual({ onMs: 1000, offMs: 4000 });
  });

  it('adds up a tone of several parts (the US ring is 440+480 Hz 2 s on, 4 s off; a UK double ring)', () => {
    expect(parseRingTone(['us      ring            440+480/2000,0/4000'], 'us')).toEqual({ onMs: 2000, offMs: 4000 });
    expect(parseRingTone(['uk      ring            400+450/400,0/200,400+450/400,0/2000'], 'uk')).toEqual({ onMs: 800, offMs: 2200 });
  });

  it('is undefined for a zone the PBX does not have, or a playlist it cannot read', () => {
    expect(parseRingTone(cn, 'de')).toBeUndefined();
    expect(parseRingTone(['xx      ring            garbage'], 'xx')).toBeUndefined();
    expect(parseRingTone(['No country matching "zz" found.'], 'zz')).toBeUndefined();
  });
});

describe('ring tone against the counted cadence', () => {
  it('agreeing: no warning; differing or missing: a warning naming both values', () => {
    expect(ringToneMismatch('cn', { onMs: 1000, offMs: 4000 }, { onMs: 1000, offMs: 4000 })).toBeUndefined();
    expect(ringToneMismatch('cn', { onMs: 1000, offMs: 4000 }, { onMs: 1000, offMs: 3000 })).toBe(
      'ring cadence mismatch: the PBX\'s ringing tone for "cn" is 1000 ms on / 3000 ms off, the service counts rings at 1000 ms on / 4000 ms off (rings.onMs/offMs): every ring count is wrong until they agree',
    );
    expect(ringToneMismatch('zz', { onMs: 1000, offMs: 4000 }, undefined)).toBe(
      'the PBX has no ringing tone for tone zone "zz" (indications.conf): cannot check it against the ring cadence counted (1000 ms on / 4000 ms off)',
    );
  });
});
