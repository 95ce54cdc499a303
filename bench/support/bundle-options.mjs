// How benchmarks are bundled: as the extension and CLI ship (see bench/run.mjs for why not tsx).
export const BENCH_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  mainFields: ['module', 'main'],
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
};
