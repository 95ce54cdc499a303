import { UpstreamError, errorMessage } from '../errors';
import type { AttemptRecord } from '../types';
import type { Candidate } from './candidates';

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))} s`;

const describeAttempt = (a: AttemptRecord): string =>
  `${a.model} (${a.outcome}${a.status ? ` ${a.status}` : ''}${a.outcome === 'skipped' && a.error ? `: ${a.error}` : ''})`;

/** Every attempt failed; the message is the last failure's, followed by what was tried. */
export class AllCandidatesFailedError extends UpstreamError {
  constructor(
    readonly attempts: AttemptRecord[],
    last: unknown,
  ) {
    const tried = attempts.map(describeAttempt).join(', ');
    super({
      provider: last instanceof UpstreamError ? last.provider : attempts.at(-1)?.provider ?? 'unknown',
      model: last instanceof UpstreamError ? last.model : attempts.at(-1)?.model ?? 'unknown',
      status: last instanceof UpstreamError ? last.status : undefined,
      retryable: last instanceof UpstreamError ? last.retryable : false,
      retryAfterMs: last instanceof UpstreamError ? last.retryAfterMs : undefined,
      message: `${errorMessage(last)} (${attempts.length} attempts: ${tried})`,
      code: last instanceof UpstreamError ? last.code : 'upstream',
      cause: last,
    });
  }
}

export interface OpenCircuit {
  provider: string;
  providerName: string;
  /** Epoch milliseconds at which the breaker lets a probe through. */
  retryAt: number;
}

/** Every candidate's provider has an open circuit: nothing was sent upstream. */
export class CircuitOpenError extends UpstreamError {
  constructor(
    readonly circuits: OpenCircuit[],
    readonly attempts: AttemptRecord[],
    now: number,
  ) {
    const soonest = Math.min(...circuits.map((c) => c.retryAt));
    const list = [...new Map(circuits.map((c) => [c.provider, c])).values()]
      .map((c) => `${c.providerName} (retried in ${seconds(c.retryAt - now)}, at ${new Date(c.retryAt).toISOString()})`)
      .join(', ');
    super({
      provider: circuits[0]?.provider ?? 'unknown',
      model: attempts[0]?.model ?? 'unknown',
      retryable: true,
      retryAfterMs: Math.max(0, soonest - now),
      code: 'circuit_open',
      message:
        `Not sent: every provider for this request failed repeatedly and is paused: ${list}. ` +
        'See switchboard.breaker (failureThreshold, cooldownMs).',
    });
  }
}

export type TimeoutKind = 'firstByte' | 'idle' | 'total';

const TIMEOUT_TEXT: Record<TimeoutKind, string> = {
  firstByte: 'sent no first token within',
  idle: 'sent nothing more for',
  total: 'did not finish within the total deadline of',
};

/** A timeout is retryable: the next attempt may be faster. */
export const timeoutError = (candidate: Candidate, kind: TimeoutKind, limitMs: number): UpstreamError =>
  new UpstreamError({
    provider: candidate.provider.id,
    model: candidate.entry.id,
    retryable: true,
    code: 'timeout',
    message: `${candidate.provider.name} ${TIMEOUT_TEXT[kind]} ${limitMs} ms for ${candidate.entry.id} (switchboard.timeouts.${kind}Ms).`,
  });

/** A stream that failed after text reached the caller: it is not retried, and keeps what was delivered. */
export const streamBrokenError = (candidate: Candidate, cause: unknown, partialText: string): UpstreamError => {
  const error = new UpstreamError({
    provider: candidate.provider.id,
    model: candidate.entry.id,
    status: cause instanceof UpstreamError ? cause.status : undefined,
    retryable: false,
    requestId: cause instanceof UpstreamError ? cause.requestId : undefined,
    code: 'stream_broken',
    message:
      `The ${candidate.provider.name} stream for ${candidate.entry.id} broke after ${partialText.length} characters ` +
      `and was not retried, so nothing is repeated: ${errorMessage(cause)}`,
    cause,
  });
  error.partialText = partialText;
  return error;
};

export const unfinishedStreamError = (candidate: Candidate): UpstreamError =>
  new UpstreamError({
    provider: candidate.provider.id,
    model: candidate.entry.id,
    retryable: true,
    message: `${candidate.provider.name} ended the response for ${candidate.entry.id} without finishing it.`,
  });
