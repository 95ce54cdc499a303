import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, as a shell would, and captures its output. No `stdin` means a terminal. */
export async function runCliCapturing(
  argv: string[],
  options: { cwd: string; env: Record<string, string | undefined>; stdin?: string },
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), {
    isTTY: options.stdin === undefined ? true : undefined,
  });
  const code = await runCli({ argv, cwd: options.cwd, env: options.env, stdout, stderr, stdin, signal: new AbortController().signal });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
