/**
 * What the fake upstream answers, independent of the wire format: the text or tool calls, why it stopped,
 * and the token counts. Both wire formats render the same `Answer`, so the two families agree.
 */

export interface Reply {
  /** Default: `Hello from <model>: <last user text>`. */
  text?: string;
  /** Answer with tool calls instead (finish_reason tool_calls / stop_reason tool_use). */
  toolCalls?: { name: string; arguments: string }[];
  /**
   * Token counts, normalized like the gateway's own `Usage`: `input` is the whole prompt including
   * `cachedInput` and `cacheWrite`; `output` is the whole completion including `reasoning`.
   */
  usage?: { input?: number; output?: number; cachedInput?: number; cacheWrite?: number; reasoning?: number };
  /** Characters per streamed text delta. */
  chunkSize?: number;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
}

export type StopKind = 'end' | 'max_tokens' | 'stop_sequence' | 'tool_use';

export interface AnswerUsage {
  input: number;
  output: number;
  cachedInput: number;
  cacheWrite: number;
  reasoning: number;
}

export interface Answer {
  model: string;
  text: string;
  toolCalls: { name: string; arguments: string }[];
  stop: StopKind;
  /** The stop sequence that ended the text, when `stop` is `stop_sequence`. */
  stopSequence: string | null;
  usage: AnswerUsage;
  chunkSize: number;
  chunkDelayMs: number;
}

export const DEFAULT_CHUNK_SIZE = 8;

/** The deterministic token estimate the fake uses when a reply gives no usage. */
export const estimateTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

/** The text of a message `content`: a string, or text parts / tool results (both families). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (part && typeof part === 'object') {
      const p = part as { text?: unknown; content?: unknown };
      if (typeof p.text === 'string') parts.push(p.text);
      else if (p.content !== undefined) parts.push(contentText(p.content));
    }
  }
  return parts.join('\n');
}

interface ChatBody {
  model?: unknown;
  messages?: unknown;
  system?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  stop?: unknown;
  stop_sequences?: unknown;
}

function promptChars(body: ChatBody): number {
  let chars = contentText(body.system).length;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) chars += contentText((m as { content?: unknown } | null)?.content).length;
  }
  return chars;
}

function lastUserText(body: ChatBody): string {
  if (!Array.isArray(body.messages)) return '';
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i] as { role?: unknown; content?: unknown } | null;
    if (m?.role === 'user') return contentText(m.content);
  }
  return '';
}

function stopSequences(body: ChatBody): string[] {
  const raw = body.stop_sequences ?? body.stop;
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string' && s.length > 0) : [];
}

function maxTokens(body: ChatBody): number | undefined {
  const raw = body.max_completion_tokens ?? body.max_tokens;
  return typeof raw === 'number' && raw > 0 ? raw : undefined;
}

/** Builds the answer to one request: the reply's content, cut by `stop` sequences and `max_tokens` like a model would be. */
export function buildAnswer(body: ChatBody, reply: Reply): Answer {
  const model = typeof body.model === 'string' ? body.model : 'unknown-model';
  const toolCalls = reply.toolCalls ?? [];
  let text = reply.text ?? (toolCalls.length ? '' : `Hello from ${model}: ${lastUserText(body)}`);
  let stop: StopKind = toolCalls.length ? 'tool_use' : 'end';
  let stopSequence: string | null = null;

  if (!toolCalls.length) {
    let cut = -1;
    for (const seq of stopSequences(body)) {
      const at = text.indexOf(seq);
      if (at >= 0 && (cut < 0 || at < cut)) [cut, stopSequence] = [at, seq];
    }
    if (cut >= 0) [text, stop] = [text.slice(0, cut), 'stop_sequence'];
    const limit = maxTokens(body);
    if (limit !== undefined && estimateTokens(text.length) > limit) {
      [text, stop, stopSequence] = [text.slice(0, limit * 4), 'max_tokens', null];
    }
  }

  const outputChars = text.length + toolCalls.reduce((n, c) => n + c.name.length + c.arguments.length, 0);
  const given = reply.usage ?? {};
  return {
    model,
    text,
    toolCalls,
    stop,
    stopSequence,
    usage: {
      input: given.input ?? estimateTokens(promptChars(body)),
      output: given.output ?? estimateTokens(outputChars),
      cachedInput: given.cachedInput ?? 0,
      cacheWrite: given.cacheWrite ?? 0,
      reasoning: given.reasoning ?? 0,
    },
    chunkSize: Math.max(1, reply.chunkSize ?? DEFAULT_CHUNK_SIZE),
    chunkDelayMs: Math.max(0, reply.chunkDelayMs ?? 0),
  };
}

/** Splits text into deltas of `size` characters, never inside a surrogate pair. */
export function splitChunks(text: string, size: number): string[] {
  const chars = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(''));
  return chunks;
}
