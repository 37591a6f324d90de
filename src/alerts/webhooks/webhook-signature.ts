/**
 * How a webhook receiver knows a delivery came from this service: HMAC-SHA256 with the
 * webhook's secret over "<timestamp>.<body>", sent as
 *
 *   X-Duty-Timestamp: <unix seconds>
 *   X-Duty-Signature: sha256=<hex>
 *
 * The timestamp is signed too, so a receiver can refuse an old delivery replayed (say, older than
 * five minutes). verifySignature is what a receiver in Node would write; the tests use it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-duty-signature';
export const TIMESTAMP_HEADER = 'x-duty-timestamp';

export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifySignature(secret: string, timestamp: string, body: string, header: string): boolean {
  if (!/^\d+$/.test(timestamp)) return false;
  const expected = Buffer.from(signature(secret, Number(timestamp), body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
