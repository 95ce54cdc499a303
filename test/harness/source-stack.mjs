// Maps stack frames in the bundled extension-host tests back to test/extension/*.ts through the bundles'
// inline source maps (the extension host prints bundle positions).
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const FRAME = /((?:\/|\.{0,2}[\w.-]*\/)[^\s():]+\.js):(\d+):(\d+)/g;

function loadMap(file, cache) {
  if (!cache.has(file)) {
    const match = fs.existsSync(file) ? INLINE_MAP.exec(fs.readFileSync(file, 'utf8')) : null;
    cache.set(file, match ? new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8'))) : null);
  }
  return cache.get(file);
}

/** Rewrites `bundle.js:line:col` frames under `bundleDir` to `source.ts:line:col`, relative to `baseDir`. */
export function mapStack(stack, { bundleDir, baseDir }) {
  const cache = new Map();
  return stack.replace(FRAME, (frame, file, line, column) => {
    const absolute = path.resolve(baseDir, file);
    if (!absolute.startsWith(bundleDir)) return frame;
    const entry = loadMap(absolute, cache)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry?.originalSource) return frame;
    const source = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : path.resolve(path.dirname(absolute), entry.originalSource);
    return `${path.relative(baseDir, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
