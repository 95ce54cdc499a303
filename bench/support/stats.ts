import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export function summarize(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/** Starts a child process and resolves with it and the first value printed as `NAME=value`. */
export async function spawnPrinting(command: string, args: string[], name: string): Promise<{ child: ChildProcess; value: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith(`${name}=`)) return { child, value: line.slice(name.length + 1) };
  }
  throw new Error(`${command} ${args.join(' ')} exited before printing ${name}`);
}

export const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;
