import { describe, expect, it } from 'vitest';
import { encodeAction } from '../../../../src/pbx/ami/action-encoder.js';
import { backoffDelay } from '../../../../src/pbx/ami/backoff.js';

describe('encodeAction', () => {
  it('writes Action and ActionID first, repeats array values, skips undefined', () => {
    expect(encodeAction('Originate', 'x-1', { Channel: 'Local/100@duty', Timeout: 18000, Async: true, Variable: ['A=1', 'B=2'], Skip: undefined })).toBe(
      'Action: Originate\r\nActionID: x-1\r\nChannel: Local/100@duty\r\nTimeout: 18000\r\nAsync: true\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n',
    );
  });

  it('refuses CR/LF in values, so a field cannot inject a second action', () => {
    expect(() => encodeAction('Setvar', 'x-2', { Value: 'a\r\n\r\nAction: Originate' })).toThrow(TypeError);
    expect(() => encodeAction('Setvar', 'x-3', { 'Bad Name': 'a' })).toThrow(TypeError);
    expect(() => encodeAction('Ping', 'x-4', { ActionID: 'mine' })).toThrow(/set by the client/);
  });
});

describe('backoffDelay', () => {
  const opts = { initialDelayMs: 250, maxDelayMs: 10_000 };

  it('doubles from the initial delay up to the cap, with equal jitter', () => {
    expect([0, 1, 2, 3, 10, 1_000].map((n) => backoffDelay(n, opts, () => 1))).toEqual([250, 500, 1_000, 2_000, 10_000, 10_000]);
    expect([0, 1, 2, 10].map((n) => backoffDelay(n, opts, () => 0))).toEqual([125, 250, 500, 5_000]);
  });
});
