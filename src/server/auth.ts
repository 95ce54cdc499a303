import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './errors';

export interface AuthCheck {
  /** The error to answer with, or undefined when the request brings the current token. */
  check(headers: IncomingHttpHeaders): HttpError | undefined;
  /** Replaces the token: from now on only `token` is accepted (a rotated token takes effect without a restart). */
  setToken(token: string): void;
}

/**
 * Checks `Authorization: Bearer <token>` or `x-api-key: <token>` (what the Anthropic SDK sends) in constant time.
 */
export function createAuthCheck(token: string): AuthCheck {
  const toExpected = (value: string): Buffer => {
    if (!value.trim()) throw new TypeError('The gateway token must not be blank.');
    return Buffer.from(value.trim());
  };
  let expected = toExpected(token);
  return {
    setToken: (next) => {
      expected = toExpected(next);
    },
    check: (headers) => {
      const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1].trim();
      const given = bearer || (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'].trim() : undefined);
      if (!given) {
        return new HttpError(
          401,
          'authentication',
          'Missing gateway token. Send "Authorization: Bearer <token>" or "x-api-key: <token>"; "switchboard token" prints it.',
          'missing_api_key',
        );
      }
      // Only the length can leak before the constant-time comparison, and every generated token has the same one.
      const candidate = Buffer.from(given);
      if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) {
        return new HttpError(401, 'authentication', 'Invalid gateway token.', 'invalid_api_key');
      }
      return undefined;
    },
  };
}
