/**
 * The text encoding of a CSV file as Excel and WPS save it: "CSV UTF-8" (with a BOM), plain UTF-8,
 * "CSV (逗号分隔)" in a Chinese locale (GBK, a subset of GB18030), or "Unicode 文本" (UTF-16
 * with a BOM). Decided as: a BOM says it; else bytes that are valid UTF-8 are UTF-8 (GBK text of
 * any length is practically never valid UTF-8); else GB18030. Bytes valid in neither make the
 * file unreadable, and the first of them is located.
 */
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-8 (BOM)' | 'gb18030' | 'utf-16le' | 'utf-16be';

export type DecodedText =
  | { ok: true; text: string; encoding: TextEncoding }
  | {
      ok: false;
      /** What could be decoded before the first unreadable byte (to say where it is). */
      before: string;
      message: string;
    };

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

export function decodeText(bytes: Uint8Array): DecodedText {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const body = bytes.subarray(3);
    const text = new TextDecoder('utf-8').decode(body);
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0 && !isValidUtf8(body)) {
      return { ok: false, before: text.slice(0, bad), message: 'the file starts with a UTF-8 byte order mark but is not valid UTF-8' };
    }
    return { ok: true, text, encoding: 'utf-8 (BOM)' };
  }
  if (startsWith(bytes, [0xff, 0xfe])) return { ok: true, text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16le'), encoding: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff])) return { ok: true, text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16be'), encoding: 'utf-16be' };
  if (isValidUtf8(bytes)) {
    const text = new TextDecoder('utf-8').decode(bytes);
    const nul = text.indexOf('\0');
    if (nul >= 0) return { ok: false, before: text.slice(0, nul), message: 'the file holds NUL bytes: not a text file (or UTF-16 without a byte order mark)' };
    return { ok: true, text, encoding: 'utf-8' };
  }
  const bad = firstInvalidGb18030(bytes);
  if (bad >= 0) {
    return {
      ok: false,
      before: iconv.decode(Buffer.from(bytes.subarray(0, bad)), 'gb18030'),
      message: `unreadable text encoding: neither UTF-8 nor GB18030/GBK (byte ${hex(bytes.subarray(bad, bad + 1))} at offset ${bad})`,
    };
  }
  return { ok: true, text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const inRange = (b: number | undefined, lo: number, hi: number) => b !== undefined && b >= lo && b <= hi;

/**
 * The offset of the first byte sequence GB18030 does not define, or -1. One byte 00–80 (80 is
 * the euro sign in Windows' GBK, which Excel writes); two bytes 81–FE, 40–7E|80–FE; four bytes
 * 81–FE, 30–39, 81–FE, 30–39 within the ranges mapped to Unicode (the BMP part up to 8431A439,
 * the supplementary planes from 90308130 to E3329A35).
 */
export function firstInvalidGb18030(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b1 = bytes[i]!;
    if (b1 <= 0x80) {
      i += 1;
      continue;
    }
    if (b1 === 0xff) return i;
    const b2 = bytes[i + 1];
    if (inRange(b2, 0x40, 0x7e) || inRange(b2, 0x80, 0xfe)) {
      i += 2;
      continue;
    }
    const b3 = bytes[i + 2];
    const b4 = bytes[i + 3];
    if (!inRange(b2, 0x30, 0x39) || !inRange(b3, 0x81, 0xfe) || !inRange(b4, 0x30, 0x39)) return i;
    const linear = (((b1 - 0x81) * 10 + (b2! - 0x30)) * 126 + (b3! - 0x81)) * 10 + (b4! - 0x30);
    if (linear > 39_419 && (linear < 189_000 || linear > 189_000 + 0x10ffff - 0x10000)) return i;
    i += 4;
  }
  return -1;
}
