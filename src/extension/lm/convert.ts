import * as vscode from 'vscode';
import type { ChatRequestInput, ContentPart, Message, ToolCall } from '../../core/types';

/** `LanguageModelChatMessageRole.System`: proposed API in newer VS Code versions, not in 1.104's typings. */
const SYSTEM_ROLE = 3;

const isImageData = (part: unknown): part is { mimeType: string; data: Uint8Array } =>
  typeof part === 'object' &&
  part !== null &&
  typeof (part as { mimeType?: unknown }).mimeType === 'string' &&
  (part as { mimeType: string }).mimeType.startsWith('image/') &&
  (part as { data?: unknown }).data instanceof Uint8Array;

function textOf(part: unknown): string {
  if (part instanceof vscode.LanguageModelTextPart) return part.value;
  if (part instanceof vscode.LanguageModelPromptTsxPart) return JSON.stringify(part.value);
  return '';
}

/**
 * VS Code's chat messages as the gateway's: system messages joined into `system`; tool results (which VS Code
 * sends in a user message) as `tool` messages ahead of that message's own text; an assistant's tool calls as
 * `toolCalls`; image data parts as data URLs.
 */
export function toGatewayMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): { system?: string; messages: Message[] } {
  const system: string[] = [];
  const out: Message[] = [];
  for (const message of messages) {
    const role = message.role as number;
    if (role === SYSTEM_ROLE) {
      system.push(message.content.map(textOf).join(''));
    } else if (role === vscode.LanguageModelChatMessageRole.Assistant) {
      const text = message.content.map(textOf).join('');
      const toolCalls: ToolCall[] = message.content
        .filter((p): p is vscode.LanguageModelToolCallPart => p instanceof vscode.LanguageModelToolCallPart)
        .map((p) => ({ id: p.callId, name: p.name, arguments: JSON.stringify(p.input ?? {}) }));
      if (text || toolCalls.length) out.push({ role: 'assistant', content: text, ...(toolCalls.length ? { toolCalls } : {}) });
    } else {
      const parts: ContentPart[] = [];
      for (const part of message.content) {
        if (part instanceof vscode.LanguageModelToolResultPart) {
          out.push({ role: 'tool', toolCallId: part.callId, content: part.content.map(textOf).join('') });
        } else if (isImageData(part)) {
          parts.push({ type: 'image', url: `data:${part.mimeType};base64,${Buffer.from(part.data).toString('base64')}` });
        } else {
          const text = textOf(part);
          if (text) parts.push({ type: 'text', text });
        }
      }
      if (parts.length) {
        const textOnly = parts.every((p) => p.type === 'text');
        out.push({ role: 'user', content: textOnly ? parts.map((p) => (p as { text: string }).text).join('') : parts });
      }
    }
  }
  return { system: system.length ? system.join('\n\n') : undefined, messages: out };
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Tools, tool mode and the model options the gateway understands (camelCase or the OpenAI spelling). */
export function toRequestOptions(options: vscode.ProvideLanguageModelChatResponseOptions): Partial<ChatRequestInput> {
  const tools = options.tools?.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: (tool.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
  }));
  const model = options.modelOptions ?? {};
  const stop = model.stop;
  return {
    ...(tools?.length ? { tools } : {}),
    ...(tools?.length && options.toolMode === vscode.LanguageModelChatToolMode.Required ? { toolChoice: 'required' as const } : {}),
    temperature: num(model.temperature),
    topP: num(model.topP ?? model.top_p),
    maxTokens: num(model.maxTokens ?? model.max_tokens ?? model.max_completion_tokens),
    stop: Array.isArray(stop) && stop.every((s) => typeof s === 'string') ? stop : typeof stop === 'string' ? [stop] : undefined,
  };
}

/** A tool call's JSON arguments as the object VS Code's tool-call part carries. */
export function parseToolArguments(call: ToolCall): object {
  if (!call.arguments.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.arguments);
  } catch {
    throw new Error(`The model called the tool "${call.name}" with arguments that are not JSON: ${call.arguments.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The model called the tool "${call.name}" with arguments that are not a JSON object.`);
  }
  return parsed;
}
