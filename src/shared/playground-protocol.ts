import { z } from 'zod';
import { ChatRequestSchema } from '../core/types';
import { describeIssues } from '../core/validation-issues';
import {
  ConversationSchema,
  IdSchema,
  MAX_IMAGE_URL_CHARS,
  MAX_IMAGES_PER_MESSAGE,
  type AttemptInfo,
  type Conversation,
  type ConversationSummary,
  type ModelInfo,
  type Reply,
  type RunStats,
} from './playground-records';

export * from './playground-records';

/**
 * The messages between the playground webview (media/playground) and its host (src/extension/playground). Both
 * import this protocol: the host parses every webview message with `parseWebviewMessage` before acting on it;
 * the webview imports its types, and the records' schemas (./playground-records) to check the state it restores.
 */

/**
 * What the webview may ask the gateway for: the core request less tools and metadata, images as data: URLs
 * of at most 10 MB. The core schema checks every field (ranges, roles, image URL forms).
 */
export const RunRequestSchema = ChatRequestSchema.pick({
  model: true,
  system: true,
  messages: true,
  temperature: true,
  topP: true,
  maxTokens: true,
  stop: true,
  responseFormat: true,
}).superRefine((request, ctx) => {
  for (const [i, message] of request.messages.entries()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    const images = message.content.flatMap((p) => (p.type === 'image' ? [p.url] : []));
    if (images.length > MAX_IMAGES_PER_MESSAGE) {
      ctx.addIssue({ code: 'custom', path: ['messages', i], message: `at most ${MAX_IMAGES_PER_MESSAGE} images per message` });
    }
    if (images.some((url) => url.length > MAX_IMAGE_URL_CHARS || !url.startsWith('data:'))) {
      ctx.addIssue({ code: 'custom', path: ['messages', i], message: 'images must be data: URLs of at most 10 MB' });
    }
  }
});
export type RunRequest = z.infer<typeof RunRequestSchema>;

export const SnippetFormatSchema = z.enum(['curl', 'node', 'python']);
export type SnippetFormat = z.infer<typeof SnippetFormatSchema>;

// ---- Webview -> host: untrusted, parsed ------------------------------------------------------------------------

export const WebviewMessageSchema = z.discriminatedUnion('type', [
  /** The app is mounted and wants models, history and the runs in flight. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('run'), runId: IdSchema, request: RunRequestSchema }),
  /** Stops one run, or every run when `runId` is absent. */
  z.object({ type: z.literal('stop'), runId: IdSchema.optional() }),
  /** Runs whose end the webview has applied: the host forgets them. */
  z.object({ type: z.literal('ack'), runIds: z.array(IdSchema).max(100) }),
  z.object({ type: z.literal('saveConversation'), conversation: ConversationSchema }),
  z.object({ type: z.literal('openConversation'), id: IdSchema }),
  z.object({ type: z.literal('deleteConversation'), id: IdSchema }),
  z.object({ type: z.literal('export'), format: z.enum(['json', 'markdown']), conversation: ConversationSchema }),
  z.object({ type: z.literal('copyAsCode'), format: SnippetFormatSchema, request: RunRequestSchema }),
  /** The approximate cost of sending the draft as `request`; `estimateId` pairs the reply with the ask. */
  z.object({ type: z.literal('estimate'), estimateId: IdSchema, request: RunRequestSchema }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** Validates a message from the webview; `error` names each bad field. */
export function parseWebviewMessage(raw: unknown): { ok: true; message: WebviewMessage } | { ok: false; error: string } {
  const parsed = WebviewMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, error: describeIssues(parsed.error, 'message') };
}

// ---- Host -> webview: trusted, typed ---------------------------------------------------------------------------

/** A run as the host knows it, for a webview that was hidden or reloaded while it ran. */
export interface RunSnapshot {
  runId: string;
  status: Reply['status'];
  text: string;
  stats?: RunStats;
  error?: string;
  attempts: AttemptInfo[];
}

/** A model's approximate cost for a draft; `cost` is absent when the model has no known price. */
export interface ModelEstimate {
  model: string;
  inputTokens: number;
  /** Assumed, not counted. */
  outputTokens: number;
  /** USD. */
  cost?: number;
}

/** The draft on the chosen model, and the cheapest other priced models to compare with. */
export interface DraftEstimate {
  model: ModelEstimate;
  cheapest: ModelEstimate[];
}

export type HostMessage =
  | { type: 'init'; models: ModelInfo[]; defaultModel: string; history: ConversationSummary[]; runs: RunSnapshot[] }
  | { type: 'models'; models: ModelInfo[]; defaultModel: string }
  | { type: 'history'; items: ConversationSummary[] }
  | { type: 'conversation'; conversation: Conversation }
  /** Text deltas, batched. */
  | { type: 'runText'; runId: string; text: string }
  | { type: 'runAttempt'; runId: string; attempt: AttemptInfo }
  | { type: 'runDone'; runId: string; text: string; stats: RunStats }
  | { type: 'runError'; runId: string; error: string; partialText: string; attempts: AttemptInfo[]; cancelled: boolean }
  /** `copied`: whether it reached the clipboard (a browser may refuse). */
  | { type: 'snippet'; format: SnippetFormat; text: string; copied: boolean }
  /** No `estimate` when none could be made (e.g. an unknown model). */
  | { type: 'estimate'; estimateId: string; estimate?: DraftEstimate }
  | { type: 'notice'; level: 'info' | 'error'; message: string };
