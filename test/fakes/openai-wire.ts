/**
 * OpenAI Chat Completions wire format: the `chat.completion` object, `chat.completion.chunk` SSE frames
 * ending in `data: [DONE]`, and `{ error: { message, type, param, code } }` error bodies.
 */
import { splitChunks, type Answer } from './answer';
import { MALFORMED_FRAME, sseData, type StreamFrame, type WireContext, type WireFormat } from './wire';

const FINISH_REASON = { end: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls' } as const;

const ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: null, message: 'You are not allowed to sample from this model.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
  529: { type: 'overloaded_error', code: null, message: 'Overloaded' },
};

function errorInfo(status: number) {
  return ERRORS[status] ?? (status >= 500 ? ERRORS[500] : ERRORS[400]);
}

const toolCallId = (ctx: WireContext, index: number) => `call_fake${ctx.seq}x${index}`;

function usage(answer: Answer) {
  const u = answer.usage;
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cachedInput, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** OpenAI's reset durations look like `20ms`, `1.5s`, `6m0s`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  return `${Math.floor(seconds / 60)}m${Number((seconds % 60).toFixed(3))}s`;
}

export const openaiWire: WireFormat = {
  requestIdHeader: 'x-request-id',
  defaultStreamErrorStatus: 500,
  malformedFrame: MALFORMED_FRAME,

  json(answer, ctx) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: answer.toolCalls.length && !answer.text ? null : answer.text,
      refusal: null,
    };
    if (answer.toolCalls.length) {
      message.tool_calls = answer.toolCalls.map((call, i) => ({
        id: toolCallId(ctx, i),
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    return {
      id: `chatcmpl-fake${ctx.seq}`,
      object: 'chat.completion',
      created: ctx.created,
      model: answer.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: FINISH_REASON[answer.stop] }],
      usage: usage(answer),
      system_fingerprint: 'fp_fake',
    };
  },

  stream(answer, ctx) {
    const frames: StreamFrame[] = [];
    const chunk = (delta: Record<string, unknown>, finishReason: string | null, content: boolean) => {
      const value: Record<string, unknown> = {
        id: `chatcmpl-fake${ctx.seq}`,
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: answer.model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      };
      if (ctx.includeUsage) value.usage = null;
      frames.push({ data: sseData(value), content });
    };

    const hasTools = answer.toolCalls.length > 0;
    chunk({ role: 'assistant', content: hasTools && !answer.text ? null : '', refusal: null }, null, false);
    for (const piece of splitChunks(answer.text, answer.chunkSize)) chunk({ content: piece }, null, true);
    answer.toolCalls.forEach((call, index) => {
      chunk(
        { tool_calls: [{ index, id: toolCallId(ctx, index), type: 'function', function: { name: call.name, arguments: '' } }] },
        null,
        false,
      );
      for (const piece of splitChunks(call.arguments, answer.chunkSize)) {
        chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null, true);
      }
    });
    chunk({}, FINISH_REASON[answer.stop], false);
    if (ctx.includeUsage) {
      const value = {
        id: `chatcmpl-fake${ctx.seq}`,
        object: 'chat.completion.chunk',
        created: ctx.created,
        model: answer.model,
        system_fingerprint: 'fp_fake',
        choices: [],
        usage: usage(answer),
      };
      frames.push({ data: sseData(value), content: false });
    }
    frames.push({ data: 'data: [DONE]\n\n', content: false });
    return frames;
  },

  errorBody(status, message) {
    const info = errorInfo(status);
    return { error: { message: message ?? info.message, type: info.type, param: null, code: info.code } };
  },

  rateLimitHeaders(waitMs) {
    return {
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': formatResetDuration(waitMs),
    };
  },

  streamErrorFrame(status, message) {
    return sseData(this.errorBody(status, message, ''));
  },
};
