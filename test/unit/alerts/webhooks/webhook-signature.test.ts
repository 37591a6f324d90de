import { describe, expect, it } from 'vitest';
import { signature, verifySignature } from '../../../../src/alerts/webhooks/webhook-signature.js';

// The expected value is openssl's: printf '%s' '1796284800.{"event":"missed-call"}' | openssl dgst -sha256 -hmac 'a-secret-of-16+chars'
const BODY = '{"event":"missed-call"}';
const EXPECTED = 'sha256=72f5b764137038c1d3e58d8ea1a1cf528fd4f50d91b77b92d34b7bd5a565aa21';

describe('webhook signature', () => {
  it('is HMAC-SHA256 of "<timestamp>.<body>" with the secret, as openssl computes it', () => {
    expect(signature('a-secret-of-16+chars', 1796284800, BODY)).toBe(EXPECTED);
  });

  it('verifies the signature of that body and timestamp only', () => {
    expect(verifySignature('a-secret-of-16+chars', '1796284800', BODY, EXPECTED)).toBe(true);
    expect(verifySignature('a-secret-of-16+chars', '1796284801', BODY, EXPECTED)).toBe(false);
    expect(verifySignature('a-secret-of-16+chars', '1796284800', `${BODY} `, EXPECTED)).toBe(false);
    expect(verifySignature('another-secret-16chars', '1796284800', BODY, EXPECTED)).toBe(false);
    expect(verifySignature('a-secret-of-16+chars', 'soon', BODY, EXPECTED)).toBe(false);
    expect(verifySignature('a-secret-of-16+chars', '1796284800', BODY, 'sha256=00')).toBe(false);
  });
});
