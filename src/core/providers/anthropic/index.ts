import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import type { CallOptions } from '../../types';
import { ClientCache, NO_KEY, SDK_TIMEOUT_MS } from '../client-cache';
import type { UpstreamFailure } from '../errors';
import { runComplete } from '../complete-runner';
import { classifySdkError, fallbackMessage } from '../sdk-errors';
import { withFields } from '../../objects';
import { runStream } from '../stream-runner';
import type { ProviderAdapter, ResolvedCall } from '../types';
import { toMessageParams } from './request';
import { fromMessage } from './response';
import { MessageEventAccumulator } from './stream';

/** The adapter for the Anthropic Messages API, through the official `@anthropic-ai/sdk`. */
export const anthropicAdapter: ProviderAdapter = {
  async complete(call, options) {
    const params = toMessageParams(call);
    return runComplete(
      call,
      async () => {
        // The SDK puts the request-id header on the parsed body; `.withResponse()` would cost extra promise hops.
        const data = await clientFor(call).messages.create(withFields(params, { stream: false as const }), { signal: options.signal });
        return { data, requestId: (data as { _request_id?: string | null })._request_id ?? undefined };
      },
      fromMessage,
      'a message',
      (err, midStream) => classify(err, midStream, options),
    );
  },

  stream(call, options) {
    return runStream<RawMessageStreamEvent>(
      call,
      options.signal,
      async () => {
        // Not the raw response, as the OpenAI adapter reads: this SDK's stream releases its listener on our signal
        // through the controller it made for the request, which a stream built from the raw response lacks.
        const { data, response } = await clientFor(call)
          .messages.create(withFields(toMessageParams(call), { stream: true as const }), { signal: options.signal })
          .withResponse();
        return { chunks: data, requestId: response.headers.get('request-id') ?? undefined };
      },
      new MessageEventAccumulator(),
      (err, midStream) => classify(err, midStream, options),
    );
  },
};

const clients = new ClientCache<Anthropic>(
  (key) =>
    new Anthropic({
      // Passing a key (even a stand-in) stops the SDK from reading ANTHROPIC_* env vars or local credential files.
      apiKey: key.apiKey ?? NO_KEY,
      baseURL: key.baseURL,
      defaultHeaders: { ...authHeaders(key.auth, key.apiKey), ...key.headers },
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      logLevel: 'off',
    }),
);

/**
 * SDK v1 sends the key as `Authorization: Bearer`. A provider whose definition says `x-api-key` gets that header
 * instead: Anthropic's long-documented one, which the API still accepts, and which proxies in front of it expect.
 */
function authHeaders(auth: string | undefined, apiKey: string | undefined): Record<string, string | null> {
  if (apiKey === undefined || auth === 'none') return { Authorization: null };
  if (auth === 'x-api-key') return { 'X-Api-Key': apiKey, Authorization: null };
  return {};
}

const clientFor = (call: ResolvedCall): Anthropic =>
  clients.get({ baseURL: call.baseURL, apiKey: call.apiKey, auth: call.provider.auth, headers: call.headers });

function classify(err: unknown, midStream: boolean, options: CallOptions): UpstreamFailure {
  if (options.signal?.aborted) return { kind: 'aborted' };
  return classifySdkError(err, midStream, {
    isAbort: (e) => e instanceof APIUserAbortError,
    isTimeout: (e) => e instanceof APIConnectionTimeoutError,
    isConnection: (e) => e instanceof APIConnectionError,
    apiError: (e) => {
      if (!(e instanceof APIError)) return undefined;
      return {
        status: e.status,
        headers: e.headers,
        message: e.message,
        upstreamMessage: e.apiMessage ?? fallbackMessage(e),
        errorType: e.type ?? undefined,
        requestId: e.requestID ?? undefined,
      };
    },
  });
}
