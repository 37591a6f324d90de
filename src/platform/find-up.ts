import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first `relative` path that exists in the directory of the module `moduleUrl` or one above
 * it; null when none does. A file of the repository is found this way from src/ (tsx, vitest) and
 * from the compiled dist/src/ alike.
 */
export function findUp(moduleUrl: string, relative: string): string | null {
  for (let dir = dirname(fileURLToPath(moduleUrl)); ; ) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
