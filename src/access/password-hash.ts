/**
 * Password hashing with scrypt (node:crypto): memory-hard, built into Node, no native addon.
 * Stored in PHC string format, `$scrypt$ln=16,r=8,p=2$<salt>$<hash>` (base64, no padding), so
 * the parameters travel with each hash: a hash made with weaker parameters still verifies, and
 * needsRehash says to replace it at the next successful sign-in. The defaults are OWASP's
 * (Password Storage Cheat Sheet): N=2^16, r=8, p=2 — 64 MiB and about 0.4 s per hash on this
 * machine (2 cores), in libuv's thread pool, off the event loop.
 * Passwords are NFKC-normalized first (NIST SP 800-63B), so the same password typed on two
 * keyboards is the same password.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the cost N. */
  logN: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { logN: 16, r: 8, p: 2 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.logN;
  // scrypt needs 128·N·r bytes; Node refuses more than maxmem (32 MiB by default).
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const m = PHC.exec(stored);
  if (!m) return null;
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.logN < 1 || params.logN > 24 || params.r < 1 || params.p < 1 || params.p > 16) return null;
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16) return null;
  return { params, salt, hash };
}

export class PasswordHasher {
  #dummy: Promise<string> | undefined;

  constructor(readonly params: ScryptParams = DEFAULT_SCRYPT) {}

  /** A new hash of the password with a fresh random salt. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this.params, KEY_LENGTH);
    return `$scrypt$ln=${this.params.logN},r=${this.params.r},p=${this.params.p}$${b64(salt)}$${b64(key)}`;
  }

  /** Whether the password is the one hashed (constant-time comparison); false for a hash it cannot read. */
  async verify(stored: string, password: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
    return timingSafeEqual(key, parsed.hash);
  }

  /** Whether the hash was made with other parameters than this hasher's (replace it once the password is known). */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    if (!parsed) return true;
    const { logN, r, p } = parsed.params;
    return logN !== this.params.logN || r !== this.params.r || p !== this.params.p || parsed.hash.length !== KEY_LENGTH;
  }

  /**
   * Spends the time of one verification without a user: a sign-in with an unknown name takes as
   * long as one with a wrong password, so the answer's timing does not tell which names exist.
   */
  async verifyNobody(password: string): Promise<false> {
    this.#dummy ??= this.hash('no user has this password');
    await this.verify(await this.#dummy, password);
    return false;
  }
}
