/**
 * Errors the gateway raises. Each carries a message a user can act on, and the CLI maps `exitCode`
 * straight to its process exit code: 2 for usage or configuration, 1 for an upstream failure.
 */
export class SwitchboardError extends Error {
  readonly exitCode: 1 | 2;
  readonly code: string;
  constructor(code: string, message: string, exitCode: 1 | 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class ConfigError extends SwitchboardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, 2, options);
  }
}

export class InvalidRequestError extends SwitchboardError {
  constructor(message: string) {
    super('invalid_request', message, 2);
  }
}

export class UnknownModelError extends SwitchboardError {
  constructor(
    readonly modelId: string,
    readonly suggestions: string[],
  ) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    super(
      'unknown_model',
      `Unknown model "${modelId}".${hint} Run "switchboard models" to list the catalog, or add an alias in switchboard.aliases.`,
      2,
    );
  }
}

export class MissingKeyError extends SwitchboardError {
  constructor(
    readonly provider: string,
    readonly envVar: string,
  ) {
    super(
      'missing_key',
      `No API key for ${provider}. Set the environment variable ${envVar}, or run "Switchboard: Set API Key" in VS Code.`,
      2,
    );
  }
}

export class UpstreamError extends SwitchboardError {
  readonly provider: string;
  readonly model: string;
  /** HTTP status, or undefined for a connection error or timeout. */
  readonly status?: number;
  readonly retryable: boolean;
  /** How long the upstream asked us to wait, from retry-after and rate-limit reset headers. */
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** Text that reached the caller before a stream failed. */
  partialText?: string;
  constructor(init: {
    provider: string;
    model: string;
    message: string;
    status?: number;
    retryable: boolean;
    retryAfterMs?: number;
    requestId?: string;
    code?: string;
    cause?: unknown;
  }) {
    super(init.code ?? 'upstream', init.message, 1, { cause: init.cause });
    this.provider = init.provider;
    this.model = init.model;
    this.status = init.status;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }
}

export class CancelledError extends SwitchboardError {
  constructor(message = 'The request was cancelled.') {
    super('cancelled', message, 1);
  }
}

export const isAbortError = (err: unknown): boolean =>
  err instanceof CancelledError ||
  (err instanceof Error && (err.name === 'AbortError' || err.name === 'APIUserAbortError'));

/** The message of anything thrown, without a stack. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
