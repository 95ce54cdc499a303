import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { TOKEN_FILE_NAME } from '../../src/server/token';

/** Data folders for gateway-token tests, under one temporary root removed after the file's tests. */
export function tokenDataDirs(prefix: string): { root: string; fresh(): { dir: string; file: string } } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  return {
    root,
    /** A data folder that does not exist yet, and its token file. */
    fresh() {
      const dir = join(root, `data-${++n}`, 'switchboard');
      return { dir, file: join(dir, TOKEN_FILE_NAME) };
    },
  };
}

export const fileToken = (file: string): string => readFileSync(file, 'utf8').trim();
export const fileMode = (path: string): number => statSync(path).mode & 0o777;
