import type {
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { InvalidRequestError } from '../../errors';
import type { ChatRequest, ContentPart, Message, ToolChoice } from '../../types';
import type { ResolvedCall } from '../types';

/** Used when nothing set `maxTokens`; the gateway normally fills it from the catalog's `maxOutput`. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic has no JSON mode, so a `json_object` request becomes an instruction. */
const JSON_OBJECT_INSTRUCTION = 'Respond with a single valid JSON object and nothing else.';

/**
 * The unified request as Messages API parameters, minus `stream`, which the adapter sets.
 * `temperature` and `topP` are left out: API version 2026-10-21, which this SDK speaks, rejects the sampling
 * parameters with a 400 even at their defaults.
 */
export function toMessageParams(call: ResolvedCall): MessageCreateParamsBase {
  const { request, upstreamModel } = call;
  const format = request.responseFormat;
  const system = [request.system, format?.type === 'json_object' ? JSON_OBJECT_INSTRUCTION : undefined].filter(Boolean).join('\n\n');
  const params: MessageCreateParamsBase = {
    model: upstreamModel,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: toMessages(request),
  };
  if (system) params.system = system;
  if (request.stop?.length) params.stop_sequences = request.stop;
  if (request.tools?.length) {
    params.tools = request.tools.map(
      (tool): Tool => ({
        name: tool.name,
        ...(tool.description && { description: tool.description }),
        input_schema: { type: 'object', ...tool.parameters } as Tool.InputSchema,
      }),
    );
    if (request.toolChoice) params.tool_choice = toToolChoice(request.toolChoice);
  }
  // Structured outputs: the API constrains the answer's text to the schema.
  if (format?.type === 'json_schema') params.output_config = { format: { type: 'json_schema', schema: format.schema } };
  return params;
}

/**
 * Tool results travel as `tool_result` blocks in a user turn; consecutive turns of one role are merged, so that
 * the results of parallel tool calls share one message as the API expects.
 */
function toMessages(request: ChatRequest): MessageParam[] {
  const messages: { role: 'user' | 'assistant'; content: ContentBlockParam[] | string }[] = [];
  for (const message of request.messages) {
    const { role, content } = toMessage(message);
    const last = messages.at(-1);
    if (last && last.role === role) {
      last.content = [...asBlocks(last.content), ...asBlocks(content)];
    } else {
      messages.push({ role, content });
    }
  }
  return messages;
}

const asBlocks = (content: ContentBlockParam[] | string): ContentBlockParam[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;

function toMessage(message: Message): { role: 'user' | 'assistant'; content: ContentBlockParam[] | string } {
  switch (message.role) {
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : message.content.map(toContentBlock),
      };
    case 'assistant': {
      const text = typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('');
      if (!message.toolCalls?.length) return { role: 'assistant', content: text };
      const blocks: ContentBlockParam[] = text ? [{ type: 'text', text }] : [];
      for (const call of message.toolCalls) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseArguments(call.name, call.arguments) });
      }
      return { role: 'assistant', content: blocks };
    }
    case 'tool':
      return { role: 'user', content: [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }] };
  }
}

function toContentBlock(part: ContentPart): ContentBlockParam {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return { type: 'image', source: toImageSource(part.url) };
}

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/is;

function toImageSource(url: string): ImageBlockParam['source'] {
  const data = DATA_URL.exec(url);
  if (!data) return { type: 'url', url };
  const mediaType = data[1].toLowerCase() === 'image/jpg' ? 'image/jpeg' : data[1].toLowerCase();
  // The API names the media types it accepts and answers others with a clear 400.
  return { type: 'base64', media_type: mediaType as Base64ImageSource['media_type'], data: data[2] };
}

function parseArguments(toolName: string, text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError(`The arguments of the earlier call to tool "${toolName}" are not valid JSON, which Anthropic requires.`);
  }
}

function toToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (typeof choice !== 'string') return { type: 'tool', name: choice.name };
  return choice === 'required' ? { type: 'any' } : { type: choice };
}
