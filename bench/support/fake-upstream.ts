import { spawnPrinting } from './stats';

/**
 * Starts the loopback fake upstream in a process of its own (bench/support/upstream-process.ts, whose options
 * `args` are): its OpenAI-compatible base URL, and how to stop it.
 */
export async function startFakeUpstream(args: string[] = []): Promise<{ baseURL: string; stop: () => void }> {
  const { child, value } = await spawnPrinting(process.execPath, ['--import', 'tsx', 'bench/support/upstream-process.ts', ...args], 'FAKE_UPSTREAM_URL');
  return { baseURL: `${value}/v1`, stop: () => void child.kill() };
}
