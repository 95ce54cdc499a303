import type { ChatRequest } from './types';

/**
 * The request as `ChatRequestSchema` would parse it, for its most common shape only: text messages from the user
 * and the assistant, and scalar parameters. Anything else (tools, images, stop sequences, an unknown key, a value
 * out of range) returns undefined, and the schema decides, with its error messages. Walking the schema costs each
 * request several microseconds more (side by side with bench/core-ab.mjs), most of it on requests like these.
 * The result is what the schema gives: new objects, its keys in the schema's order, and a key given as undefined
 * kept as undefined. test/unit/request-shape.test.ts holds the two to the same output.
 */
export function parseCommonRequest(input: unknown): ChatRequest | undefined {
  if (!isPlainObject(input)) return undefined;
  for (const key in input) if (!REQUEST_KEYS.has(key)) return undefined;
  const { model, system, messages, temperature, topP, maxTokens, stream } = input;
  if (typeof model !== 'string' || model.length === 0) return undefined;
  if (system !== undefined && typeof system !== 'string') return undefined;
  if (temperature !== undefined && !(typeof temperature === 'number' && temperature >= 0 && temperature <= 2)) return undefined;
  if (topP !== undefined && !(typeof topP === 'number' && topP > 0 && topP <= 1)) return undefined;
  if (maxTokens !== undefined && !(Number.isSafeInteger(maxTokens) && (maxTokens as number) > 0)) return undefined;
  if (stream !== undefined && typeof stream !== 'boolean') return undefined;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const parsedMessages: ChatRequest['messages'] = [];
  for (const message of messages) {
    if (!isPlainObject(message)) return undefined;
    for (const key in message) if (key !== 'role' && key !== 'content') return undefined;
    const { role, content } = message;
    if ((role !== 'user' && role !== 'assistant') || typeof content !== 'string') return undefined;
    parsedMessages.push({ role, content });
  }
  // Built key by key in the schema's order; `in`, as the schema keeps a key that is present but undefined.
  const request = { model } as ChatRequest;
  if ('system' in input) request.system = system as string | undefined;
  request.messages = parsedMessages;
  if ('temperature' in input) request.temperature = temperature as number | undefined;
  if ('topP' in input) request.topP = topP as number | undefined;
  if ('maxTokens' in input) request.maxTokens = maxTokens as number | undefined;
  if ('stream' in input) request.stream = stream as boolean | undefined;
  return request;
}

const REQUEST_KEYS = new Set(['model', 'system', 'messages', 'temperature', 'topP', 'maxTokens', 'stream']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
