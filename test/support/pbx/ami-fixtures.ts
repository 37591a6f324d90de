/**
 * Recording real AMI traffic as fixtures (test/fixtures/ami/<name>.txt) for the translation
 * layer's unit tests. Only with DUTY_WRITE_AMI_FIXTURES=1: a normal PBX test run writes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot, type AmiFrame } from './sandbox.js';

export const writingAmiFixtures = process.env.DUTY_WRITE_AMI_FIXTURES === '1';

/** Writes the frames byte for byte as Asterisk sent them (CRLF, an empty line after each event) under a `#` header. */
export async function saveAmiFixture(name: string, frames: readonly AmiFrame[], header: readonly string[]): Promise<void> {
  if (!writingAmiFixtures) return;
  const dir = path.join(repoRoot, 'test', 'fixtures', 'ami');
  await mkdir(dir, { recursive: true });
  const lines = header.map((l) => `# ${l}`);
  await writeFile(path.join(dir, `${name}.txt`), `${lines.join('\r\n')}\r\n\r\n${frames.map((f) => `${f.raw}\r\n\r\n`).join('')}`);
}
