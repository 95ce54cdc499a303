import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors';
import type { ChatRequestInput, ContentPart, Message, ToolChoice } from '../../core/types';
import { parseWire, type ParsedChat } from '../wire';

/**
 * The part of Anthropic's Messages request the gateway understands. Unknown fields (top_k, thinking,
 * cache_control, service_tier) are ignored; thinking blocks in the history are dropped.
 */

const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const ImageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.looseObject({ type: z.literal('url'), url: z.string() }),
  ]),
});
const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlock, ImageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
const ToolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() });
const ThinkingBlock = z.looseObject({ type: z.enum(['thinking', 'redacted_thinking']) });

const UserBlock = z.discriminatedUnion('type', [TextBlock, ImageBlock, ToolResultBlock], {
  error: 'user content blocks must be "text", "image" or "tool_result" (documents are not supported)',
});
const AssistantBlock = z.discriminatedUnion('type', [TextBlock, ToolUseBlock, ThinkingBlock], {
  error: 'assistant content blocks must be "text", "tool_use", "thinking" or "redacted_thinking"',
});

const MessageSchema = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(UserBlock)]) }),
    z.looseObject({ role: z.literal('assistant'), content: z.union([z.string(), z.array(AssistantBlock)]) }),
  ],
  { error: 'role must be "user" or "assistant" (the system prompt goes in "system")' },
);

export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number(),
  messages: z.array(MessageSchema).min(1),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('custom', { error: 'only custom tools (with an input_schema) are supported' }).optional(),
        name: z.string(),
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('auto') }),
      z.looseObject({ type: z.literal('any') }),
      z.looseObject({ type: z.literal('none') }),
      z.looseObject({ type: z.literal('tool'), name: z.string() }),
    ])
    .optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
});

type WireRequest = z.output<typeof MessagesRequestSchema>;
type WireUserBlock = z.output<typeof UserBlock>;
type WireImageBlock = z.output<typeof ImageBlock>;

const imageUrl = (block: WireImageBlock): string =>
  block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;

function toolResultText(block: Extract<WireUserBlock, { type: 'tool_result' }>): string {
  const content = block.content ?? '';
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    if (content.some((b) => b.type === 'image')) {
      throw new InvalidRequestError('Invalid request: images inside a tool_result are not supported; send them in a user text/image block.');
    }
    text = content.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
  }
  // The unified request has no error flag on tool results; the text carries it so the model still sees it.
  return block.is_error ? `Error: ${text}` : text;
}

/** A user turn: its tool results become tool messages (first, as Anthropic requires), the rest one user message. */
function userMessages(content: string | WireUserBlock[], into: Message[]): void {
  if (typeof content === 'string') {
    into.push({ role: 'user', content });
    return;
  }
  const parts: ContentPart[] = [];
  for (const block of content) {
    if (block.type === 'tool_result') into.push({ role: 'tool', toolCallId: block.tool_use_id, content: toolResultText(block) });
    else if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else parts.push({ type: 'image', url: imageUrl(block) });
  }
  if (parts.length) into.push({ role: 'user', content: parts });
}

function assistantMessage(content: Extract<WireRequest['messages'][number], { role: 'assistant' }>['content']): Message {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const toolCalls = [];
  for (const block of content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  }
  return toolCalls.length ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text };
}

function toolChoice(choice: NonNullable<WireRequest['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { name: choice.name };
  }
}

/** An Anthropic Messages request as the gateway's unified request. */
export function parseMessagesRequest(body: unknown): ParsedChat {
  const wire = parseWire(MessagesRequestSchema, body);
  const messages: Message[] = [];
  for (const message of wire.messages) {
    if (message.role === 'user') userMessages(message.content, messages);
    else messages.push(assistantMessage(message.content));
  }
  const system = typeof wire.system === 'string' ? wire.system : wire.system?.map((b) => b.text).join('\n\n');
  const input: ChatRequestInput = {
    model: wire.model,
    system: system || undefined,
    messages,
    temperature: wire.temperature,
    topP: wire.top_p,
    maxTokens: wire.max_tokens,
    stop: wire.stop_sequences?.length ? wire.stop_sequences : undefined,
    tools: wire.tools?.map((t) => ({ name: t.name, description: t.description, parameters: t.input_schema })),
    toolChoice: wire.tool_choice ? toolChoice(wire.tool_choice) : undefined,
    metadata: wire.metadata?.user_id ? { user_id: wire.metadata.user_id } : undefined,
  };
  return { input, stream: wire.stream === true, includeUsage: false };
}
