import type { ContentPart, Message, ResponseFormat } from '../../src/core/types';
import type { RunRequest } from '../../src/shared/playground-protocol';
import { conversationTitle, type Column, type Conversation, type Reply, type RunParams, type Turn } from '../../src/shared/playground-records';

/** The conversation model of the playground: pure functions over the protocol's records. */

export const newId = (): string =>
  typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export const defaultParams = (): RunParams => ({ system: '', stop: [], output: 'text', jsonSchema: '' });

export function newConversation(model: string, params: RunParams = defaultParams(), columns?: Column[]): Conversation {
  const now = Date.now();
  return {
    id: newId(),
    title: 'New conversation',
    createdAt: now,
    updatedAt: now,
    columns: columns?.map((c) => ({ id: newId(), model: c.model })) ?? [{ id: newId(), model }],
    params: { ...params, stop: [...params.stop] },
    turns: [],
  };
}

export function touch(conversation: Conversation): void {
  conversation.updatedAt = Date.now();
  conversation.title = conversationTitle(conversation);
}

/** The response format the params ask for; an error names what is wrong with the JSON schema. */
export function responseFormat(params: RunParams): { ok: true; value?: ResponseFormat } | { ok: false; error: string } {
  if (params.output === 'text') return { ok: true };
  if (params.output === 'json_object') return { ok: true, value: { type: 'json_object' } };
  let schema: unknown;
  try {
    schema = JSON.parse(params.jsonSchema);
  } catch (error) {
    return { ok: false, error: `The JSON schema is not valid JSON: ${(error as Error).message}` };
  }
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return { ok: false, error: 'The JSON schema must be a JSON object.' };
  return { ok: true, value: { type: 'json_schema', name: 'response', schema: schema as Record<string, unknown> } };
}

export function userContent(user: Turn['user']): string | ContentPart[] {
  if (!user.images.length) return user.text;
  const parts: ContentPart[] = user.images.map((url) => ({ type: 'image', url }));
  return user.text ? [{ type: 'text', text: user.text }, ...parts] : parts;
}

/**
 * The messages a column sends for turn `turnIndex`: every earlier turn's prompt with this column's answer (what
 * it got of one, when it failed or was stopped), then the prompt of that turn.
 */
export function messagesFor(conversation: Conversation, columnId: string, turnIndex: number): Message[] {
  const messages: Message[] = [];
  conversation.turns.slice(0, turnIndex + 1).forEach((turn, i) => {
    messages.push({ role: 'user', content: userContent(turn.user) });
    const answer = turn.replies[columnId]?.text;
    if (i < turnIndex && answer) messages.push({ role: 'assistant', content: answer });
  });
  return messages;
}

/** The request for one column and turn, from the conversation's params. */
export function buildRequest(conversation: Conversation, columnId: string, turnIndex: number): { ok: true; request: RunRequest } | { ok: false; error: string } {
  const column = conversation.columns.find((c) => c.id === columnId);
  if (!column?.model) return { ok: false, error: 'Pick a model first.' };
  const format = responseFormat(conversation.params);
  if (!format.ok) return format;
  const p = conversation.params;
  const request: RunRequest = { model: column.model, messages: messagesFor(conversation, columnId, turnIndex) };
  if (p.system.trim()) request.system = p.system;
  if (p.temperature !== undefined) request.temperature = p.temperature;
  if (p.topP !== undefined) request.topP = p.topP;
  if (p.maxTokens !== undefined) request.maxTokens = p.maxTokens;
  if (p.stop.length) request.stop = [...p.stop];
  if (format.value) request.responseFormat = format.value;
  return { ok: true, request };
}

export const streamingReply = (runId: string, model: string): Reply => ({ runId, model, status: 'streaming', text: '', attempts: [] });

export interface Winners {
  cheapest?: string;
  fastest?: string;
}

/** In a turn answered by two or more columns: the column whose run cost least (priced runs) and the quickest. */
export function winners(turn: Turn, columns: readonly Column[]): Winners {
  const done = columns
    .map((c) => ({ column: c.id, stats: turn.replies[c.id]?.status === 'done' ? turn.replies[c.id].stats : undefined }))
    .filter((d): d is { column: string; stats: NonNullable<Reply['stats']> } => d.stats !== undefined);
  if (done.length < 2) return {};
  const result: Winners = {};
  const priced = done.filter((d) => d.stats.priced);
  if (priced.length >= 2) result.cheapest = priced.reduce((a, b) => (b.stats.cost < a.stats.cost ? b : a)).column;
  result.fastest = done.reduce((a, b) => (b.stats.latencyMs < a.stats.latencyMs ? b : a)).column;
  return result;
}

/** Where a run lives in the conversation. */
export function findRun(conversation: Conversation, runId: string): { turn: Turn; columnId: string; reply: Reply } | undefined {
  for (let i = conversation.turns.length - 1; i >= 0; i--) {
    const turn = conversation.turns[i];
    for (const [columnId, reply] of Object.entries(turn.replies)) {
      if (reply.runId === runId) return { turn, columnId, reply };
    }
  }
  return undefined;
}

export const isStreaming = (conversation: Conversation): boolean =>
  conversation.turns.some((t) => Object.values(t.replies).some((r) => r.status === 'streaming'));
