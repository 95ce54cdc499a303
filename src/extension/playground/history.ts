import { ConversationSchema, summarize, type Conversation, type ConversationSummary } from '../../shared/playground-protocol';

/** The part of a `vscode.Memento` (workspaceState) the history uses. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const HISTORY_KEY = 'switchboard.playground.history';
export const HISTORY_LIMIT = 50;

/**
 * The playground's saved conversations, per workspace, newest first. Stored records are validated on read:
 * one that no longer parses (an older format, a hand edit) is dropped rather than breaking the list.
 */
export class PlaygroundHistory {
  constructor(
    private readonly store: StateStore,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  all(): Conversation[] {
    const stored = this.store.get<unknown[]>(HISTORY_KEY);
    if (!Array.isArray(stored)) return [];
    return stored
      .map((raw) => ConversationSchema.safeParse(raw))
      .filter((r) => r.success)
      .map((r) => r.data)
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  list(): ConversationSummary[] {
    return this.all().map(summarize);
  }

  get(id: string): Conversation | undefined {
    return this.all().find((c) => c.id === id);
  }

  /** Adds or replaces the conversation with this id; the oldest beyond the limit go. Empty ones are not kept. */
  async save(conversation: Conversation): Promise<void> {
    const others = this.all().filter((c) => c.id !== conversation.id);
    const next = conversation.turns.length ? [conversation, ...others] : others;
    await this.write(next.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, this.limit));
  }

  async delete(id: string): Promise<void> {
    await this.write(this.all().filter((c) => c.id !== id));
  }

  private write(conversations: Conversation[]): Thenable<void> {
    return this.store.update(HISTORY_KEY, conversations);
  }
}
