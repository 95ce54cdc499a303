import type { IncomingMessage } from 'node:http';
import { parseMessagesRequest } from './anthropic/request';
import { MessageStream, anthropicErrorBody, renderAnthropicModelList, renderMessage } from './anthropic/response';
import { parseChatCompletionRequest } from './openai/request';
import { ChatCompletionStream, openAiErrorBody, renderChatCompletion, renderModelList } from './openai/response';
import type { ChatWire } from './wire';

export const openAiWire: ChatWire = {
  parse: parseChatCompletionRequest,
  render: renderChatCompletion,
  startStream: (parsed) => new ChatCompletionStream(parsed),
  errorBody: openAiErrorBody,
};

export const anthropicWire: ChatWire = {
  parse: parseMessagesRequest,
  render: renderMessage,
  startStream: (parsed) => new MessageStream(parsed),
  errorBody: anthropicErrorBody,
};

export type Route =
  | { kind: 'chat'; wire: ChatWire }
  | { kind: 'models'; wire: ChatWire; id?: string }
  | { kind: 'not_found'; wire: ChatWire }
  | { kind: 'method_not_allowed'; wire: ChatWire; allow: string };

/** Anthropic's SDK sends `anthropic-version` on every request; OpenAI's never does. */
const speaksAnthropic = (req: IncomingMessage, path: string) => path.startsWith('/v1/messages') || req.headers['anthropic-version'] !== undefined;

export function matchRoute(req: IncomingMessage): Route {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const wire = speaksAnthropic(req, path) ? anthropicWire : openAiWire;
  const method = req.method;
  if (path === '/v1/chat/completions' || path === '/v1/messages') {
    return method === 'POST' ? { kind: 'chat', wire } : { kind: 'method_not_allowed', wire, allow: 'POST' };
  }
  if (path === '/v1/models' || path.startsWith('/v1/models/')) {
    if (method !== 'GET') return { kind: 'method_not_allowed', wire, allow: 'GET' };
    if (path.length <= '/v1/models/'.length) return { kind: 'models', wire };
    try {
      return { kind: 'models', wire, id: decodeURIComponent(path.slice('/v1/models/'.length)) };
    } catch {
      return { kind: 'not_found', wire };
    }
  }
  return { kind: 'not_found', wire };
}

export const renderModels = (wire: ChatWire, entries: Parameters<typeof renderModelList>[0]) =>
  wire === anthropicWire ? renderAnthropicModelList(entries) : renderModelList(entries);
