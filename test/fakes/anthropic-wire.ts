/**
 * Anthropic Messages wire format: the `message` object, the named SSE events (message_start, content_block_*,
 * ping, message_delta, message_stop, error), and `{ type: "error", error: { type, message } }` error bodies.
 */
import { splitChunks, type Answer } from './answer';
import { MALFORMED_FRAME, sseEvent, type StreamFrame, type WireContext, type WireFormat } from './wire';

const STOP_REASON = { end: 'end_turn', stop_sequence: 'stop_sequence', max_tokens: 'max_tokens', tool_use: 'tool_use' } as const;

const ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  402: { type: 'billing_error', message: 'Your credit balance is too low to access the Anthropic API.' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your per-minute rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  504: { type: 'timeout_error', message: 'Request timed out' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

function errorInfo(status: number) {
  return ERRORS[status] ?? (status >= 500 ? ERRORS[500] : ERRORS[400]);
}

const toolUseId = (ctx: WireContext, index: number) => `toolu_fake${ctx.seq}x${index}`;

function toolInput(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Anthropic's `input_tokens` excludes cache reads and writes, which are reported beside it. */
function inputUsage(answer: Answer) {
  const u = answer.usage;
  return {
    input_tokens: Math.max(0, u.input - u.cachedInput - u.cacheWrite),
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cachedInput,
  };
}

const hasTextBlock = (answer: Answer) => answer.text.length > 0 || answer.toolCalls.length === 0;

/** RFC 3339, to the second, as in `anthropic-ratelimit-requests-reset`. */
export const rfc3339In = (ms: number): string =>
  new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export const anthropicWire: WireFormat = {
  requestIdHeader: 'request-id',
  defaultStreamErrorStatus: 529,
  // The Anthropic SDK skips frames without an `event:` line, so the broken data must come with one.
  malformedFrame: `event: content_block_delta\n${MALFORMED_FRAME}`,

  json(answer, ctx) {
    const content: unknown[] = [];
    if (hasTextBlock(answer)) content.push({ type: 'text', text: answer.text });
    answer.toolCalls.forEach((call, i) => {
      content.push({ type: 'tool_use', id: toolUseId(ctx, i), name: call.name, input: toolInput(call.arguments) });
    });
    return {
      id: `msg_fake${ctx.seq}`,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content,
      stop_reason: STOP_REASON[answer.stop],
      stop_sequence: answer.stopSequence,
      usage: { ...inputUsage(answer), output_tokens: answer.usage.output },
    };
  },

  stream(answer, ctx) {
    const frames: StreamFrame[] = [];
    const push = (event: string, value: unknown, content = false) => frames.push({ data: sseEvent(event, value), content });
    const ping = () => push('ping', { type: 'ping' });

    push('message_start', {
      type: 'message_start',
      message: {
        id: `msg_fake${ctx.seq}`,
        type: 'message',
        role: 'assistant',
        model: answer.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...inputUsage(answer), output_tokens: 1 },
      },
    });

    let index = 0;
    if (hasTextBlock(answer)) {
      push('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      ping();
      for (const text of splitChunks(answer.text, answer.chunkSize)) {
        push('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, true);
      }
      push('content_block_stop', { type: 'content_block_stop', index });
      index++;
    } else {
      ping();
    }
    answer.toolCalls.forEach((call, i) => {
      push('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: toolUseId(ctx, i), name: call.name, input: {} },
      });
      for (const partial_json of splitChunks(call.arguments, answer.chunkSize)) {
        push('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }, true);
      }
      push('content_block_stop', { type: 'content_block_stop', index });
      index++;
    });

    push('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: STOP_REASON[answer.stop], stop_sequence: answer.stopSequence },
      usage: { output_tokens: answer.usage.output },
    });
    push('message_stop', { type: 'message_stop' });
    return frames;
  },

  errorBody(status, message, requestId) {
    const info = errorInfo(status);
    return { type: 'error', error: { type: info.type, message: message ?? info.message }, request_id: requestId };
  },

  rateLimitHeaders(waitMs) {
    return {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': rfc3339In(waitMs),
    };
  },

  streamErrorFrame(status, message) {
    const info = errorInfo(status);
    return sseEvent('error', { type: 'error', error: { type: info.type, message: message ?? info.message } });
  },
};
