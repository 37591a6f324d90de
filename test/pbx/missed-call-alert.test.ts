/// <reference lib="dom" />
/**
 * Live missed-call alerts against the real Asterisk: sipp plays the caller and the desk. A call
 * the desk lets ring 3 rings reaches an open supervisor stream within a second of the third
 * ring's end, as does the supervisor page of the web console open in Chromium, and the office's
 * webhook receiver gets one signed delivery; a call the desk answers in ring 2 raises none.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/alerts/webhooks/webhook-signature.js';
import { addUser, PASSWORD } from '../support/access-api.js';
import { launchChromium, officePage, screenshot, signIn } from '../support/browser.js';
import { eventually } from '../support/poll.js';
import { ensurePbxUp, SANDBOX_OFFICE_HOURS, setPbxClock } from '../support/pbx/sandbox.js';
import { placeCall, startDesk, unregisterPhone } from '../support/pbx/sipp.js';
import { RING_MS, startTestService, uniqueCaller, type TestService } from '../support/service-harness.js';
import { openEventStream, type EventStream } from '../support/sse.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'sandbox-webhook-secret';
let sut: TestService;
let receiver: WebhookReceiver;
let stream: EventStream;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensurePbxUp();
  await setPbxClock(SANDBOX_OFFICE_HOURS);
  for (const phone of ['desk', 'leader', 'bureau']) await unregisterPhone(phone);
  receiver = await startWebhookReceiver();
  sut = await startTestService({ kind: 'postgres', pbx: 'sandbox', config: { 'alerts.webhooks': [{ id: 'office-im', url: receiver.url, secret: SECRET }] } });
  await Promise.all([sut.service.database.opened, sut.service.pbx.waitUntilConnected(10_000)]);
  stream = await openEventStream(`${sut.service.url}/alerts/stream`, { authorization: await sut.authorization() });
  await stream.next((e) => e.event === 'ready');
  // A supervisor's console open on the supervisor view, its alert stream connected.
  await addUser(sut.service.access.stores, 'console-supervisor', 'supervisor');
  browser = await launchChromium();
  page = await officePage(browser);
  await signIn(page, sut.service.url, 'console-supervisor', PASSWORD);
  await page.click('[data-test="nav-supervisor"]');
  await page.waitForFunction(() => document.querySelector('[data-test="alerts-state"]')?.textContent === '已连接');
});
afterAll(async () => {
  await browser?.close();
  stream?.close();
  await sut?.stop();
  await receiver?.close();
  await setPbxClock('real');
});

interface AlertJson {
  id: string;
  callId: string;
  occurredAt: string;
}

describe('missed-call alerts from the sandbox PBX', () => {
  it('answered in ring 2: no alert; 3 rings unanswered: the open stream and the console page show it within a second, the webhook gets one signed delivery', async () => {
    let desk = startDesk({ behaviour: 'answer-after', answerAfterMs: Math.round(RING_MS * 1.5) });
    await desk.registered;
    const answered = uniqueCaller();
    await placeCall({ from: answered, hangupAfterMs: 300 });
    await desk.stop();
    const answeredCall = await sut.waitForCall(answered, (c) => c.endedAt !== null);
    expect(answeredCall.outcome).toBe('answered');

    desk = startDesk({ behaviour: 'never-answer' });
    await desk.registered;
    const missed = uniqueCaller();
    // The caller gives up in ring 4: the absence was decided at the end of ring 3.
    const calling = placeCall({ from: missed, cancelAfterMs: Math.round(RING_MS * 3.6) }).catch(() => undefined);
    const event = await stream.next((e) => e.event === 'missed-call', 30_000);
    await page.waitForSelector('[data-test="alert"]', { timeout: 5000 });
    const shownAt = Date.now();
    // The PBX's clock runs apart from this host's (the sandbox is set to office hours): the third ring's end in local time.
    const pbxAhead = sut.service.pbx.clock.now().getTime() - Date.now();
    const alert = event.data as AlertJson;
    const latencyMs = event.receivedAt - (Date.parse(alert.occurredAt) - pbxAhead);
    const pageMs = shownAt - (Date.parse(alert.occurredAt) - pbxAhead);
    console.log(`missed-call alert on the stream ${latencyMs} ms, on the console page ${pageMs} ms after the third ring was over`);
    expect(latencyMs).toBeLessThan(1000);
    expect(pageMs).toBeLessThan(1000);
    await screenshot(page, 'supervisor-live-alert');
    await calling;
    await desk.stop();

    const call = await sut.waitForCall(missed, (c) => c.endedAt !== null);
    expect([call.outcome, alert.callId]).toEqual(['absence', call.pbxCallId]);
    await eventually('the webhook delivery', () => receiver.received.length > 0, 10_000);
    await sut.service.writes.onIdle();
    expect(stream.events.filter((e) => e.event === 'missed-call').map((e) => (e.data as AlertJson).callId)).toEqual([call.pbxCallId]);
    // Every stored state of the call (logged, rung, ended) reached the stream as a pulse naming its call-log entry: the desk reloads on them.
    const pulses = stream.events.filter((e) => e.event === 'call' && (e.data as { id: string }).id === call.id);
    expect(pulses.length).toBeGreaterThanOrEqual(2);
    expect(pulses.map((p) => p.id)).toEqual(pulses.map(() => null));
    expect(receiver.received).toHaveLength(1);
    expect(await page.$$('[data-test="alert"]')).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(verifySignature(SECRET, String(delivery!.headers['x-duty-timestamp']), delivery!.body, String(delivery!.headers['x-duty-signature']))).toBe(true);
    expect(JSON.parse(delivery!.body)).toMatchObject({ event: 'missed-call', alert: { id: alert.id, callId: call.pbxCallId } });
  }, 90_000);
});
