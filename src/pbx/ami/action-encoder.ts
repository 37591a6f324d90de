/** Serialises an AMI action to its wire form. */

/** An array value repeats the header once per element (e.g. several `Variable:` lines). */
export type AmiFieldValue = string | number | boolean | ReadonlyArray<string | number>;
export type AmiActionFields = Readonly<Record<string, AmiFieldValue | undefined>>;

const HEADER_NAME = /^[A-Za-z0-9_\-().]+$/;

/**
 * Throws TypeError on a name or value that would break framing: a CR or LF inside a value
 * would let one field inject another action into the session.
 */
export function encodeAction(name: string, actionId: string, fields: AmiActionFields = {}): string {
  const lines = [header('Action', name), header('ActionID', actionId)];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower === 'action' || lower === 'actionid') {
      throw new TypeError(`AMI field '${key}' is set by the client and cannot be passed in fields`);
    }
    const values = Array.isArray(value) ? (value as ReadonlyArray<string | number>) : [value as string | number | boolean];
    for (const v of values) lines.push(header(key, String(v)));
  }
  return lines.join('') + '\r\n';
}

function header(key: string, value: string): string {
  if (!HEADER_NAME.test(key)) throw new TypeError(`invalid AMI header name ${JSON.stringify(key)}`);
  if (/[\r\n]/.test(value)) throw new TypeError(`AMI header ${key} must not contain CR or LF`);
  return `${key}: ${value}\r\n`;
}
