import assert from 'node:assert/strict';

/** Polls every 10 ms until `probe` is true, failing after `timeoutMs`. */
export async function waitFor(what: string, probe: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
