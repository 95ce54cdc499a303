import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { ResponseFormatJSONObject, ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { ChatRequest, ContentPart, Message, ResponseFormat, ToolChoice } from '../../types';
import type { ProviderQuirks, ResolvedCall } from '../types';

/** The unified request as Chat Completions parameters, minus `stream`, which the adapter sets. */
export function toChatCompletionParams(call: ResolvedCall): ChatCompletionCreateParamsBase {
  const { request, upstreamModel } = call;
  const quirks: ProviderQuirks = call.provider.quirks ?? {};
  const params: ChatCompletionCreateParamsBase = { model: upstreamModel, messages: toMessages(request) };
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.topP !== undefined) params.top_p = request.topP;
  if (request.maxTokens !== undefined) params[quirks.maxTokensField ?? 'max_tokens'] = request.maxTokens;
  if (request.stop?.length && !quirks.noStop) params.stop = request.stop;
  if (request.tools?.length) {
    params.tools = request.tools.map(
      (tool): ChatCompletionTool => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }),
    );
    if (request.toolChoice && !quirks.noToolChoice) params.tool_choice = toToolChoice(request.toolChoice);
  }
  const format = toResponseFormat(request.responseFormat, quirks);
  if (format) params.response_format = format;
  return params;
}

function toMessages(request: ChatRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push(toMessage(message));
  return messages;
}

function toMessage(message: Message): ChatCompletionMessageParam {
  switch (message.role) {
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : message.content.map(toContentPart),
      };
    case 'assistant': {
      // Plain text: many OpenAI-compatible servers reject an array as assistant content.
      const text = typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('');
      if (!message.toolCalls?.length) return { role: 'assistant', content: text };
      return {
        role: 'assistant',
        content: text || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

const toContentPart = (part: ContentPart): ChatCompletionContentPart =>
  part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image_url', image_url: { url: part.url } };

function toToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toResponseFormat(
  format: ResponseFormat | undefined,
  quirks: ProviderQuirks,
): ResponseFormatJSONSchema | ResponseFormatJSONObject | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object' || quirks.noJsonSchema) return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined && { strict: format.strict }) },
  };
}
