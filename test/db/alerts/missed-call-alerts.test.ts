/**
 * Live missed-call alerts through the whole service on PostgreSQL and PGlite, the PBX a fake that
 * replays a real capture (test/fixtures/ami/no-answer.txt: the desk rang 3 rings unanswered):
 * an open stream (GET /alerts/stream) gets the alert, the webhook receiver gets it signed after
 * answering 500 once, and the delivery log (GET /webhook-deliveries) shows both attempts. An
 * answered call raises none. A delivery pending when the service stops is sent by the next start.
 */
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../../src/alerts/webhooks/webhook-signature.js';
import { useCleanups } from '../../support/cleanups.js';
import { DB_KINDS, keptDatabase } from '../../support/db.js';
import { recordedCall, startFakePbx } from '../../support/fake-pbx.js';
import { eventually } from '../../support/poll.js';
import { authorizationAs, startTestService, type TestService } from '../../support/service-harness.js';
import { openEventStream } from '../../support/sse.js';
import { startWebhookReceiver } from '../../support/webhook-receiver.js';

const { defer, started } = useCleanups();
const SECRET = 'office-webhook-secret-1';

interface AlertJson {
  streamId: string;
  kind: string;
  id: string;
  callId: string;
  deskEndpoint: string | null;
  reason: string;
}
interface DeliveryJson {
  alertId: string;
  state: string;
  attempts: { status: number | null; error: string | null }[];
}

async function stream(sut: TestService, headers: Record<string, string> = {}) {
  const s = await openEventStream(`${sut.service.url}/alerts/stream`, { authorization: await sut.authorization(), ...headers });
  defer(async () => s.close());
  return s;
}

describe.each(DB_KINDS)('missed-call alerts on %s', (kind) => {
  it('an unanswered call: the open stream and the webhook get one alert, signed, retried after a 500, logged', async () => {
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const receiver = await startWebhookReceiver();
    defer(() => receiver.close());
    receiver.answer(500);
    const database = await keptDatabase(kind, defer);
    const sut = await started(
      startTestService({
        pbx,
        ...database,
        config: { 'alerts.webhooks': [{ id: 'office-im', url: receiver.url, secret: SECRET }], 'alerts.webhookRetryInitialMs': 100, 'alerts.webhookPollMs': 50 },
      }),
    );
    await Promise.all([sut.service.database.opened, sut.service.pbx.waitUntilConnected(10_000)]);
    const live = await stream(sut);
    await live.next((e) => e.event === 'ready');

    pbx.play(recordedCall('answered'));
    const call = recordedCall('no-answer');
    pbx.play(call);
    const alert = (await live.next((e) => e.event === 'missed-call')).data as AlertJson;
    expect(alert).toMatchObject({ kind: 'missed-call', callId: call.pbxCallId, deskEndpoint: 'desk' });
    const [record] = await sut.recordsFor(call.pbxCallId);
    expect(alert.id).toBe(record!.id);

    await eventually('the webhook delivered', () => receiver.received.filter((r) => r.status === 200).length === 1, 10_000);
    expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
    for (const got of receiver.received) {
      expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(verifySignature(SECRET, String(got.headers['x-duty-timestamp']), got.body, String(got.headers['x-duty-signature']))).toBe(true);
      expect(JSON.parse(got.body)).toMatchObject({ event: 'missed-call', alert: { id: record!.id, callId: call.pbxCallId } });
    }
    // the same delivery both times: a receiver can tell a retry from a second alert
    expect(receiver.received[0]!.headers['x-duty-delivery']).toBe(receiver.received[1]!.headers['x-duty-delivery']);

    const ops = await authorizationAs(sut, 'ops', 'ops-1');
    const deliveries = await eventually('the delivery logged as delivered', async () => {
      const res = await sut.service.http.inject({ url: '/webhook-deliveries', headers: { authorization: ops } });
      const items = (res.json() as { items: DeliveryJson[] }).items;
      return items[0]?.state === 'delivered' && items;
    });
    expect(deliveries.map((d) => [d.alertId, d.state, d.attempts.map((a) => a.status)])).toEqual([[record!.id, 'delivered', [500, 200]]]);

    // Nothing for the answered call, nothing more at all.
    expect(live.events.filter((e) => e.event === 'missed-call')).toHaveLength(1);
    expect(receiver.received).toHaveLength(2);
  });

  it('a receiver that cannot be reached: the delivery stays pending across a restart, and the next start sends it', async () => {
    const gone = await startWebhookReceiver();
    await gone.close(); // nothing listens there any more
    const database = await keptDatabase(kind, defer);
    const hook = (url: string) => ({ 'alerts.webhooks': [{ id: 'office-im', url, secret: SECRET }], 'alerts.webhookRetryInitialMs': 100, 'alerts.webhookRetryMaxMs': 200, 'alerts.webhookPollMs': 50 });
    const pbx = await startFakePbx();
    defer(() => pbx.close());
    const first = await started(startTestService({ pbx, ...database, config: hook(gone.url) }));
    await Promise.all([first.service.database.opened, first.service.pbx.waitUntilConnected(10_000)]);
    const call = recordedCall('no-answer');
    pbx.play(call);
    const ops = await eventually('the ops user', () => first.service.database.status().state === 'open' && authorizationAs(first, 'ops', 'ops-2'));
    const failing = await eventually('two failed attempts logged', async () => {
      const items = (await first.service.http.inject({ url: '/webhook-deliveries', headers: { authorization: ops } })).json().items as DeliveryJson[];
      return items[0] && items[0].attempts.length >= 2 && items[0];
    });
    expect(failing.state).toBe('pending');
    expect(failing.attempts[0]).toMatchObject({ status: null, error: 'ECONNREFUSED' });
    await first.stop();

    const receiver = await startWebhookReceiver();
    defer(() => receiver.close());
    const second = await started(startTestService({ pbx, ...database, config: hook(receiver.url) }));
    await eventually('the pending delivery sent by the next start', () => receiver.received.length === 1, 10_000);
    const [record] = await second.recordsFor(call.pbxCallId);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ alert: { id: record!.id } });
    const delivered = await eventually('logged delivered', async () => {
      const items = (await second.service.http.inject({ url: '/webhook-deliveries?state=delivered', headers: { authorization: await authorizationAs(second, 'ops', 'ops-2') } })).json().items as DeliveryJson[];
      return items[0];
    });
    expect(delivered.attempts.at(-1)).toMatchObject({ status: 200, error: null });
  });
});
