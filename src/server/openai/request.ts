import { z } from 'zod';
import type { ChatRequestInput, ContentPart, Message, ResponseFormat, ToolChoice } from '../../core/types';
import { parseWire, type ParsedChat } from '../wire';

/**
 * The part of OpenAI's Chat Completions request the gateway understands. Unknown fields are ignored;
 * explicit nulls count as absent, as OpenAI's own API treats them.
 */

const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const ImagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string(), detail: z.string().nullish() }),
});
const UserPart = z.discriminatedUnion('type', [TextPart, ImagePart], {
  error: 'content parts must be "text" or "image_url" (audio and file parts are not supported)',
});
const AssistantPart = z.discriminatedUnion('type', [TextPart, z.looseObject({ type: z.literal('refusal'), refusal: z.string() })], {
  error: 'assistant content parts must be "text" or "refusal"',
});
const TextContent = z.union([z.string(), z.array(TextPart)]);

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const MessageSchema = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.literal('system'), content: TextContent }),
    z.looseObject({ role: z.literal('developer'), content: TextContent }),
    z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(UserPart)]) }),
    z.looseObject({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(AssistantPart)]).nullish(),
      tool_calls: z.array(ToolCall).nullish(),
    }),
    z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: TextContent }),
  ],
  { error: 'role must be "system", "developer", "user", "assistant" or "tool"' },
);

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(MessageSchema).min(1),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  max_tokens: z.number().nullish(),
  max_completion_tokens: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function', { error: 'only "function" tools are supported' }),
        function: z.looseObject({
          name: z.string(),
          description: z.string().nullish(),
          parameters: z.record(z.string(), z.unknown()).nullish(),
        }),
      }),
    )
    .nullish(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .nullish(),
  response_format: ResponseFormatSchema.nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
});

type WireRequest = z.output<typeof ChatCompletionRequestSchema>;
type WireMessage = WireRequest['messages'][number];

const joinText = (content: string | { text: string }[]): string =>
  typeof content === 'string' ? content : content.map((p) => p.text).join('');

function userContent(content: Extract<WireMessage, { role: 'user' }>['content']): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part): ContentPart => (part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image', url: part.image_url.url }));
}

function assistantMessage(message: Extract<WireMessage, { role: 'assistant' }>): Message {
  const content = message.content;
  const text = content == null ? '' : typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : p.refusal)).join('');
  const toolCalls = message.tool_calls?.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
  return toolCalls?.length ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text };
}

function responseFormat(format: NonNullable<WireRequest['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict } = format.json_schema;
  return { type: 'json_schema', name, schema: schema ?? {}, strict: strict ?? undefined };
}

function toolChoice(choice: NonNullable<WireRequest['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

/** An OpenAI Chat Completions request as the gateway's unified request. System and developer messages become `system`. */
export function parseChatCompletionRequest(body: unknown): ParsedChat {
  const wire = parseWire(ChatCompletionRequestSchema, body);
  const system: string[] = [];
  const messages: Message[] = [];
  for (const message of wire.messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(joinText(message.content));
        break;
      case 'user':
        messages.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant':
        messages.push(assistantMessage(message));
        break;
      case 'tool':
        messages.push({ role: 'tool', toolCallId: message.tool_call_id, content: joinText(message.content) });
        break;
    }
  }
  const metadata = wire.user ? { ...wire.metadata, user: wire.user } : wire.metadata ?? undefined;
  const input: ChatRequestInput = {
    model: wire.model,
    system: system.length ? system.join('\n\n') : undefined,
    messages,
    temperature: wire.temperature ?? undefined,
    topP: wire.top_p ?? undefined,
    maxTokens: wire.max_completion_tokens ?? wire.max_tokens ?? undefined,
    stop: wire.stop == null ? undefined : typeof wire.stop === 'string' ? [wire.stop] : wire.stop,
    tools: wire.tools?.map((t) => ({
      name: t.function.name,
      description: t.function.description ?? undefined,
      parameters: t.function.parameters ?? undefined,
    })),
    toolChoice: wire.tool_choice ? toolChoice(wire.tool_choice) : undefined,
    responseFormat: wire.response_format ? responseFormat(wire.response_format) : undefined,
    metadata,
  };
  const stream = wire.stream === true;
  return { input, stream, includeUsage: stream && wire.stream_options?.include_usage === true };
}
