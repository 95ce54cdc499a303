import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { Stream } from 'openai/streaming';
import type { CallOptions } from '../../types';
import { ClientCache, NO_KEY, SDK_TIMEOUT_MS, type ClientKey } from '../client-cache';
import type { UpstreamFailure } from '../errors';
import { runComplete } from '../complete-runner';
import { classifySdkError, fallbackMessage } from '../sdk-errors';
import { withFields } from '../../objects';
import { runStream } from '../stream-runner';
import type { ProviderAdapter, ResolvedCall } from '../types';
import { toChatCompletionParams } from './request';
import { fromChatCompletion } from './response';
import { ChunkAccumulator } from './stream';

/** The adapter for OpenAI and every OpenAI-compatible API, through the official `openai` SDK. */
export const openaiAdapter: ProviderAdapter = {
  async complete(call, options) {
    const params = toChatCompletionParams(call);
    return runComplete(
      call,
      async () => {
        // The raw response, parsed here: the SDK's own parsing costs each call several promise hops more (about 13 µs,
        // side by side with bench/core-ab.mjs). Error statuses still become the SDK's APIError before this point.
        const response = await clientFor(call).chat.completions.create(withFields(params, { stream: false as const }), { signal: options.signal }).asResponse();
        // As the SDK does: a body that is not JSON by its content type is kept as text, which no chat completion is.
        const data: unknown = JSON_TYPE.test(response.headers.get('content-type') ?? '') ? await response.json() : await response.text();
        return { data, requestId: response.headers.get('x-request-id') ?? undefined };
      },
      fromChatCompletion,
      'a chat completion',
      (err, midStream) => classify(err, midStream, options),
    );
  },

  stream(call, options) {
    const quirks = call.provider.quirks ?? {};
    return runStream<ChatCompletionChunk>(
      call,
      options.signal,
      async () => {
        const client = clientFor(call);
        const params = withFields(toChatCompletionParams(call), {
          stream: true as const,
          ...(!quirks.noStreamOptions && { stream_options: { include_usage: true } }),
        });
        // The raw response, parsed by the SDK's own SSE reader: `.withResponse()` costs each stream several promise
        // hops more (about 10 µs, side by side with bench/core-ab.mjs). The call's signal still aborts the HTTP
        // request, and closing the stream early cancels the response body, which closes the connection; the
        // controller the reader gets, which it aborts when closed early, has no listener.
        const response = await client.chat.completions.create(params, { signal: options.signal }).asResponse();
        const chunks = Stream.fromSSEResponse<ChatCompletionChunk>(response, new AbortController(), client);
        return { chunks, requestId: response.headers.get('x-request-id') ?? undefined };
      },
      new ChunkAccumulator(),
      (err, midStream) => classify(err, midStream, options),
    );
  },
};

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

const clients = new ClientCache<OpenAI>(
  (key: ClientKey) =>
    new OpenAI({
      apiKey: key.apiKey ?? NO_KEY,
      baseURL: key.baseURL,
      // A keyless local server gets no Authorization header at all.
      defaultHeaders: { ...(key.apiKey === undefined && { Authorization: null }), ...key.headers },
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      // Never pick these up from OPENAI_* env vars meant for other tools.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: 'off',
    }),
);

const clientFor = (call: ResolvedCall): OpenAI =>
  clients.get({ baseURL: call.baseURL, apiKey: call.apiKey, headers: call.headers });

function classify(err: unknown, midStream: boolean, options: CallOptions): UpstreamFailure {
  if (options.signal?.aborted) return { kind: 'aborted' };
  return classifySdkError(err, midStream, {
    isAbort: (e) => e instanceof APIUserAbortError,
    isTimeout: (e) => e instanceof APIConnectionTimeoutError,
    isConnection: (e) => e instanceof APIConnectionError,
    apiError: (e) => {
      if (!(e instanceof APIError)) return undefined;
      const body = e.error as { message?: unknown; type?: unknown } | undefined;
      return {
        status: e.status,
        headers: e.headers,
        message: e.message,
        upstreamMessage: typeof body?.message === 'string' ? body.message : fallbackMessage(e),
        errorType: typeof body?.type === 'string' ? body.type : undefined,
        requestId: e.requestID ?? undefined,
      };
    },
  });
}
