import {
  CancelledError,
  ConfigError,
  InvalidRequestError,
  MissingKeyError,
  UnknownModelError,
  UpstreamError,
  errorMessage,
} from '../core/errors';

/** What went wrong, independent of the wire format; each route renders it in its own error shape. */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit'
  | 'api_error'
  | 'overloaded'
  | 'timeout';

/** An error with the HTTP status the gateway answers with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    message: string,
    /** A machine-readable code for the OpenAI-format `error.code`. */
    readonly code: string | null = null,
    /** Seconds, for the `retry-after` header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const kindOfClientStatus = (status: number): ErrorKind => {
  switch (status) {
    case 401:
      return 'authentication';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 413:
      return 'request_too_large';
    default:
      return 'invalid_request';
  }
};

/**
 * Maps an upstream failure to the gateway's answer. The upstream's own 4xx pass through (the request or the
 * provider key is what is wrong); its 5xx become 502 Bad Gateway, overload and open circuits 503, timeouts 504.
 */
function fromUpstream(err: UpstreamError): HttpError {
  const status = err.status;
  const message = `${err.provider}: ${err.message}`;
  const retryAfter = err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
  if (status === 429) return new HttpError(429, 'rate_limit', message, err.code, retryAfter);
  // The breaker paused every provider for this request: nothing was sent, so try again once it lets a probe through.
  if (err.code === 'circuit_open' || status === 503 || status === 529) return new HttpError(503, 'overloaded', message, err.code, retryAfter);
  if (status === 408 || status === 504 || (status === undefined && err.code === 'timeout')) return new HttpError(504, 'timeout', message, err.code);
  if (status !== undefined && status >= 400 && status < 500) return new HttpError(status, kindOfClientStatus(status), message, err.code);
  return new HttpError(502, 'api_error', message, err.code);
}

/** The HTTP answer for anything the gateway or the request handling threw. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof UnknownModelError) return new HttpError(404, 'not_found', err.message, 'model_not_found');
  if (err instanceof InvalidRequestError) return new HttpError(400, 'invalid_request', err.message, err.code);
  // The gateway has no key for the provider: the same answer the provider gives a request without one.
  if (err instanceof MissingKeyError) return new HttpError(401, 'authentication', err.message, 'missing_provider_key');
  if (err instanceof UpstreamError) return fromUpstream(err);
  if (err instanceof CancelledError) return new HttpError(503, 'overloaded', err.message, 'cancelled');
  if (err instanceof ConfigError) return new HttpError(500, 'api_error', err.message, err.code);
  return new HttpError(500, 'api_error', `Internal gateway error: ${errorMessage(err)}`, 'internal_error');
}
