import type { HostMessage, RunSnapshot, SnippetFormat } from '../../src/shared/playground-protocol';
import {
  MAX_COLUMNS,
  PersistedStateSchema,
  type Conversation,
  type ConversationSummary,
  type ModelInfo,
  type PersistedState,
  type Reply,
} from '../../src/shared/playground-records';
import { ColumnView } from './column-view';
import { Composer, type Draft } from './composer';
import { buildRequest, findRun, isStreaming, newConversation, newId, streamingReply, touch, winners } from './conversation';
import { h, uid } from './dom';
import { describeEstimate } from './format';
import { HistoryView } from './history-view';
import { ReplyView } from './reply-view';
import { SettingsView } from './settings-view';
import { send, type VsCodeApi } from './vscode-api';

const SAVE_DELAY_MS = 250;
const DRAFT_PERSIST_DELAY_MS = 300;
const ESTIMATE_DELAY_MS = 300;
const INTERRUPTED = 'Interrupted: the window was reloaded or the panel closed while this ran.';
const SNIPPET_NAMES: Record<SnippetFormat, string> = { curl: 'curl', node: 'Node.js (openai)', python: 'Python (openai)' };

/** The state the webview kept, if it still parses; else a fresh conversation. */
export function restoreState(raw: unknown): PersistedState {
  const parsed = PersistedStateSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return { version: 1, conversation: newConversation(''), draft: { text: '', images: [] }, settingsOpen: false };
}

/**
 * The playground app: owns the conversation (persisted with setState, saved to the host's history), lays out
 * the toolbar, settings, history, one column per model and the composer, and applies the host's run events.
 * Streaming text goes straight to the run's view; only structural changes render the columns again.
 */
export class App {
  private state: PersistedState;
  private models: ModelInfo[] = [];
  private defaultModel = '';
  private history: ConversationSummary[] = [];
  private readonly replyViews = new Map<string, ReplyView>();
  private readonly columnViews = new Map<string, ColumnView>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private estimateTimer: ReturnType<typeof setTimeout> | undefined;
  /** The estimate whose reply the composer waits for; older replies are stale. */
  private estimateId: string | undefined;

  private readonly columnsEl = h('div', { class: 'columns' });
  private readonly notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  private readonly announcer = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  private readonly settings: SettingsView;
  private readonly historyView: HistoryView;
  private readonly composer: Composer;
  private readonly settingsToggle: HTMLButtonElement;
  private readonly historyToggle: HTMLButtonElement;
  private readonly addModelButton: HTMLButtonElement;
  private readonly snippetDialog: HTMLDialogElement;
  private readonly snippetTitle = h('h2', { id: uid('snippet-title') });
  private readonly snippetCode = h('code', { class: 'snippet-code' });
  private readonly snippetNote = h('p', { class: 'snippet-note' });

  constructor(
    private readonly root: HTMLElement,
    private readonly api: VsCodeApi,
  ) {
    this.state = restoreState(api.getState());
    const settingsId = uid('settings');
    const historyId = uid('history');
    this.settings = new SettingsView(settingsId, this.conversation.params, (params) => {
      this.conversation.params = params;
      this.persist();
      this.estimateSoon();
    });
    this.historyView = new HistoryView(historyId, {
      onOpen: (id) => send(this.api, { type: 'openConversation', id }),
      onDelete: (id) => send(this.api, { type: 'deleteConversation', id }),
    });
    this.composer = new Composer(
      this.state.draft,
      { onSend: () => this.send(), onStop: () => this.stop(), onDraftChange: (draft) => this.draftChanged(draft) },
      root.querySelector<HTMLFormElement>('form.composer'),
    );
    this.settingsToggle = h('button', { type: 'button', class: 'secondary', 'aria-controls': settingsId, 'aria-expanded': 'false', onclick: () => this.toggleSettings() }, 'Settings');
    this.historyToggle = h('button', { type: 'button', class: 'secondary', 'aria-controls': historyId, 'aria-expanded': 'false', onclick: () => this.toggleHistory() }, 'History');
    this.addModelButton = h('button', { type: 'button', class: 'secondary add-model', onclick: () => this.addColumn() }, 'Add model to compare');
    this.snippetDialog = h(
      'dialog',
      { class: 'snippet-dialog', 'aria-labelledby': this.snippetTitle.id },
      this.snippetTitle,
      this.snippetNote,
      h('pre', {}, this.snippetCode),
      h('form', { method: 'dialog' }, h('button', { type: 'submit', class: 'primary' }, 'Close')),
    );

    const toolbar = h(
      'header',
      { class: 'toolbar', 'aria-label': 'Playground actions' },
      h('button', { type: 'button', class: 'secondary new-chat', onclick: () => this.newChat() }, 'New conversation'),
      this.historyToggle,
      this.settingsToggle,
      this.addModelButton,
      h('span', { class: 'toolbar-spacer' }),
      h(
        'div',
        { class: 'toolbar-group', role: 'group', 'aria-label': 'Export' },
        h('span', { class: 'group-label', 'aria-hidden': 'true' }, 'Export'),
        h('button', { type: 'button', class: 'secondary', 'aria-label': 'Export as JSON', onclick: () => this.exportAs('json') }, 'JSON'),
        h('button', { type: 'button', class: 'secondary', 'aria-label': 'Export as Markdown', onclick: () => this.exportAs('markdown') }, 'Markdown'),
      ),
      h(
        'div',
        { class: 'toolbar-group', role: 'group', 'aria-label': 'Copy as code' },
        h('span', { class: 'group-label', 'aria-hidden': 'true' }, 'Copy as'),
        ...(Object.keys(SNIPPET_NAMES) as SnippetFormat[]).map((format) =>
          h('button', { type: 'button', class: 'secondary', 'aria-label': `Copy as ${SNIPPET_NAMES[format]} code`, 'data-snippet': format, onclick: () => this.copyAs(format) }, format === 'node' ? 'Node' : format === 'python' ? 'Python' : 'curl'),
        ),
      ),
    );
    // The page's composer stays where it is, so it keeps its focus and caret: the rest goes around it.
    const composer = this.composer.element;
    if (composer.parentNode !== this.root) this.root.replaceChildren(composer);
    composer.before(
      toolbar,
      this.notice,
      this.settings.element,
      h('div', { class: 'main' }, this.historyView.element, h('main', { class: 'columns-scroller', 'aria-label': 'Answers' }, this.columnsEl)),
    );
    composer.after(this.announcer, this.snippetDialog);
    if (this.state.settingsOpen) this.toggleSettings(true);
    document.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener('message', (e: MessageEvent<HostMessage>) => this.onHostMessage(e.data));

    this.renderColumns();
    this.root.removeAttribute('aria-busy');
    if (document.activeElement !== this.composer.textarea) this.composer.focus();
    send(this.api, { type: 'ready' });
  }

  private get conversation(): Conversation {
    return this.state.conversation;
  }

  // ---- Host messages -------------------------------------------------------------------------------------------

  onHostMessage(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        this.setModels(message.models, message.defaultModel);
        this.history = message.history;
        this.historyView.render(this.history, this.conversation.id);
        this.reconcile(message.runs);
        break;
      case 'models':
        this.setModels(message.models, message.defaultModel);
        break;
      case 'history':
        this.history = message.items;
        this.historyView.render(this.history, this.conversation.id);
        break;
      case 'conversation':
        this.load(message.conversation);
        break;
      case 'runText': {
        const found = findRun(this.conversation, message.runId);
        if (!found || found.reply.status !== 'streaming') return;
        found.reply.text += message.text;
        this.replyViews.get(message.runId)?.append(message.text);
        break;
      }
      case 'runAttempt': {
        const found = findRun(this.conversation, message.runId);
        if (!found) return;
        found.reply.attempts.push(message.attempt);
        this.replyViews.get(message.runId)?.update(found.reply);
        break;
      }
      case 'runDone':
        this.endRun(message.runId, { status: 'done', text: message.text, stats: message.stats, attempts: message.stats.attempts });
        break;
      case 'runError':
        this.endRun(message.runId, {
          status: message.cancelled ? 'stopped' : 'error',
          text: message.partialText,
          error: message.error,
          attempts: message.attempts,
        });
        break;
      case 'snippet':
        this.snippetTitle.textContent = SNIPPET_NAMES[message.format];
        this.snippetCode.textContent = message.text;
        this.snippetNote.textContent =
          `${message.copied ? 'Copied to the clipboard.' : 'The clipboard was not available: select the code below and copy it.'} ` +
          'It calls the local REST gateway (Switchboard: Start Local Gateway) with the token from SWITCHBOARD_GATEWAY_TOKEN.';
        if (!this.snippetDialog.open) this.snippetDialog.showModal();
        break;
      case 'notice':
        this.showNotice(message.message, message.level);
        break;
      case 'estimate':
        if (message.estimateId === this.estimateId) this.composer.setEstimate(message.estimate ? describeEstimate(message.estimate) : '');
        break;
    }
  }

  private setModels(models: ModelInfo[], defaultModel: string): void {
    this.models = models;
    this.defaultModel = defaultModel;
    let changed = false;
    for (const column of this.conversation.columns) {
      if (!column.model && defaultModel) {
        column.model = defaultModel;
        changed = true;
      }
    }
    if (changed) this.persist();
    this.renderColumns();
  }

  /** After a reload or a hidden spell: the host's word on runs this state still shows as streaming. */
  private reconcile(runs: RunSnapshot[]): void {
    const known = new Map(runs.map((r) => [r.runId, r]));
    const ended: string[] = [];
    let changed = false;
    for (const turn of this.conversation.turns) {
      for (const reply of Object.values(turn.replies)) {
        if (reply.status !== 'streaming') continue;
        const run = known.get(reply.runId);
        changed = true;
        if (!run) {
          Object.assign(reply, { status: 'stopped', error: INTERRUPTED });
          continue;
        }
        Object.assign(reply, { status: run.status, text: run.text, stats: run.stats, error: run.error, attempts: run.attempts });
        if (run.status !== 'streaming') ended.push(run.runId);
      }
    }
    // Runs this conversation does not show (another one was opened meanwhile) are of no more use to the host.
    const stale = runs.filter((r) => r.status !== 'streaming' && !findRun(this.conversation, r.runId)).map((r) => r.runId);
    if (ended.length || stale.length) send(this.api, { type: 'ack', runIds: [...ended, ...stale] });
    if (!changed) return;
    this.disposeReplyViews();
    this.renderColumns();
    this.persist();
    if (ended.length) this.saveSoon();
  }

  private endRun(runId: string, update: Partial<Reply>): void {
    send(this.api, { type: 'ack', runIds: [runId] });
    const found = findRun(this.conversation, runId);
    if (!found) return;
    Object.assign(found.reply, update);
    this.replyViews.get(runId)?.update(found.reply);
    this.updateBadges();
    this.updateBusy();
    touch(this.conversation);
    this.persist();
    this.saveSoon();
    // The answer is now part of what the draft would send.
    this.estimateSoon();
    const label = found.reply.status === 'done' ? 'finished' : found.reply.status === 'stopped' ? 'stopped' : 'failed';
    this.announcer.textContent = `The answer from ${found.reply.model} ${label}.`;
  }

  // ---- Actions -------------------------------------------------------------------------------------------------

  private send(): void {
    if (isStreaming(this.conversation)) return;
    const draft = this.composer.draft;
    if (!draft.text.trim() && !draft.images.length) {
      this.composer.showError('Type a prompt first.');
      return;
    }
    const problems = this.settings.errors;
    if (problems.length) {
      this.toggleSettings(true);
      this.composer.showError(problems.join(' '));
      return;
    }
    const conversation = this.conversation;
    const turn = { id: newId(), user: { text: draft.text, images: draft.images }, replies: {} as Record<string, Reply> };
    conversation.turns.push(turn);
    const requests = [];
    for (const column of conversation.columns) {
      const built = buildRequest(conversation, column.id, conversation.turns.length - 1);
      if (!built.ok) {
        conversation.turns.pop();
        this.composer.showError(built.error);
        return;
      }
      requests.push({ column, request: built.request });
    }
    for (const { column, request } of requests) {
      const runId = newId();
      turn.replies[column.id] = streamingReply(runId, column.model);
      send(this.api, { type: 'run', runId, request });
    }
    touch(conversation);
    this.composer.setDraft({ text: '', images: [] });
    this.state.draft = { text: '', images: [] };
    this.composer.showError('');
    this.renderColumns(true);
    this.persist();
    this.saveSoon();
  }

  /** Runs the last prompt again in one column, replacing that column's answer. */
  private rerun(columnId: string): void {
    const conversation = this.conversation;
    const index = conversation.turns.length - 1;
    const turn = conversation.turns[index];
    if (!turn || turn.replies[columnId]?.status === 'streaming') return;
    const built = buildRequest(conversation, columnId, index);
    if (!built.ok) {
      this.composer.showError(built.error);
      return;
    }
    const old = turn.replies[columnId];
    if (old) this.dropReplyView(old.runId);
    const runId = newId();
    turn.replies[columnId] = streamingReply(runId, built.request.model);
    send(this.api, { type: 'run', runId, request: built.request });
    this.renderColumns();
    this.columnViews.get(columnId)?.followOutput(true);
    this.persist();
  }

  private stop(): void {
    if (isStreaming(this.conversation)) send(this.api, { type: 'stop' });
  }

  private newChat(): void {
    this.stop();
    const current = this.conversation;
    this.load(newConversation(this.defaultModel, current.params, current.columns));
    this.composer.focus();
  }

  /** Shows a conversation (a new one, or one from the history); runs still streaming in the old one stop. */
  private load(conversation: Conversation): void {
    this.stop();
    for (const turn of conversation.turns) {
      for (const reply of Object.values(turn.replies)) {
        if (reply.status === 'streaming') Object.assign(reply, { status: 'stopped', error: INTERRUPTED });
      }
    }
    this.state.conversation = conversation;
    this.settings.set(conversation.params);
    this.disposeReplyViews();
    for (const view of this.columnViews.values()) view.dispose();
    this.columnViews.clear();
    this.renderColumns(true);
    this.historyView.render(this.history, conversation.id);
    this.persist();
  }

  private addColumn(): void {
    const columns = this.conversation.columns;
    if (columns.length >= MAX_COLUMNS) return;
    const model = this.defaultModel || columns.at(-1)?.model || '';
    const column = { id: newId(), model };
    columns.push(column);
    this.renderColumns();
    this.persist();
    this.columnViews.get(column.id)?.picker.focus();
  }

  private removeColumn(columnId: string): void {
    const conversation = this.conversation;
    if (conversation.columns.length < 2 || isStreaming(conversation)) return;
    conversation.columns = conversation.columns.filter((c) => c.id !== columnId);
    for (const turn of conversation.turns) {
      const reply = turn.replies[columnId];
      if (reply) this.dropReplyView(reply.runId);
      delete turn.replies[columnId];
    }
    this.columnViews.get(columnId)?.dispose();
    this.columnViews.delete(columnId);
    this.renderColumns();
    this.persist();
    this.saveSoon();
    this.addModelButton.focus();
  }

  private setColumnModel(columnId: string, model: string): void {
    const column = this.conversation.columns.find((c) => c.id === columnId);
    if (!column) return;
    column.model = model;
    this.renderColumns();
    this.persist();
  }

  private exportAs(format: 'json' | 'markdown'): void {
    if (!this.conversation.turns.length) {
      this.showNotice('Nothing to export yet: send a prompt first.', 'info');
      return;
    }
    send(this.api, { type: 'export', format, conversation: this.conversation });
  }

  private get hasDraft(): boolean {
    const draft = this.composer.draft;
    return Boolean(draft.text.trim() || draft.images.length);
  }

  /** The conversation with the draft as its next prompt, when there is a draft. */
  private withDraft(): Conversation {
    if (!this.hasDraft) return this.conversation;
    const { text, images } = this.composer.draft;
    return { ...this.conversation, turns: [...this.conversation.turns, { id: 'draft', user: { text, images }, replies: {} }] };
  }

  /** The request of the first column: the draft as the next prompt, else the last prompt. */
  private copyAs(format: SnippetFormat): void {
    const conversation = this.withDraft();
    if (!conversation.turns.length) {
      this.showNotice('Type a prompt first: the code sends it.', 'info');
      return;
    }
    const built = buildRequest(conversation, conversation.columns[0].id, conversation.turns.length - 1);
    if (!built.ok) {
      this.showNotice(built.error, 'error');
      return;
    }
    send(this.api, { type: 'copyAsCode', format, request: built.request });
  }

  // ---- Rendering -----------------------------------------------------------------------------------------------

  /** Lays out the columns; reply views are kept, so answers are not rendered again. */
  private renderColumns(scrollToEnd = false): void {
    const conversation = this.conversation;
    const busy = isStreaming(conversation);
    const wanted = new Set(conversation.columns.map((c) => c.id));
    for (const [id, view] of this.columnViews) {
      if (!wanted.has(id)) {
        view.dispose();
        this.columnViews.delete(id);
      }
    }
    const views = conversation.columns.map((column, index) => {
      let view = this.columnViews.get(column.id);
      if (!view) {
        view = new ColumnView(column, {
          models: () => this.models,
          onModel: (model) => this.setColumnModel(column.id, model),
          onRerun: () => this.rerun(column.id),
          onRemove: () => this.removeColumn(column.id),
          replyView: (reply) => this.replyView(reply, column.id),
        });
        this.columnViews.set(column.id, view);
      }
      view.render(conversation, index, busy);
      return view;
    });
    // Moving a node that holds focus would drop it: only reorder when the order changed.
    const current = [...this.columnsEl.children];
    if (current.length !== views.length || views.some((v, i) => current[i] !== v.element)) this.columnsEl.replaceChildren(...views.map((v) => v.element));
    this.columnsEl.style.setProperty('--columns', String(views.length));
    this.addModelButton.disabled = conversation.columns.length >= MAX_COLUMNS;
    this.updateBadges();
    this.updateBusy();
    this.updateVisionWarning();
    this.estimateSoon();
    if (scrollToEnd) for (const view of views) view.followOutput(true);
  }

  /** Asks the host, once typing pauses, what sending the draft in the first column would cost; no draft, no line. */
  private estimateSoon(): void {
    clearTimeout(this.estimateTimer);
    if (!this.hasDraft) {
      this.estimateId = undefined;
      this.composer.setEstimate('');
      return;
    }
    this.estimateTimer = setTimeout(() => {
      const conversation = this.withDraft();
      const built = buildRequest(conversation, conversation.columns[0].id, conversation.turns.length - 1);
      if (!built.ok) {
        this.estimateId = undefined;
        this.composer.setEstimate('');
        return;
      }
      this.estimateId = newId();
      send(this.api, { type: 'estimate', estimateId: this.estimateId, request: built.request });
    }, ESTIMATE_DELAY_MS);
  }

  private replyView(reply: Reply, columnId: string): ReplyView {
    let view = this.replyViews.get(reply.runId);
    if (!view) {
      view = new ReplyView(reply, () => this.columnViews.get(columnId)?.followOutput());
      this.replyViews.set(reply.runId, view);
    }
    return view;
  }

  private dropReplyView(runId: string): void {
    this.replyViews.get(runId)?.dispose();
    this.replyViews.delete(runId);
  }

  private disposeReplyViews(): void {
    for (const view of this.replyViews.values()) view.dispose();
    this.replyViews.clear();
  }

  private updateBadges(): void {
    const columns = this.conversation.columns;
    for (const turn of this.conversation.turns) {
      const best = winners(turn, columns);
      for (const column of columns) {
        const reply = turn.replies[column.id];
        if (reply) this.replyViews.get(reply.runId)?.setBadges({ cheapest: best.cheapest === column.id, fastest: best.fastest === column.id });
      }
    }
  }

  private updateBusy(): void {
    const busy = isStreaming(this.conversation);
    this.composer.setBusy(busy);
    this.root.classList.toggle('busy', busy);
    this.conversation.columns.forEach((column, i) => this.columnViews.get(column.id)?.updateControls(this.conversation, i, busy));
  }

  private updateVisionWarning(): void {
    if (!this.composer.hasImages) {
      this.composer.setWarning('');
      return;
    }
    const blind = this.conversation.columns
      .map((c) => this.models.find((m) => m.id === c.model))
      .filter((m): m is ModelInfo => m !== undefined && !m.capabilities.vision)
      .map((m) => m.id);
    this.composer.setWarning(blind.length ? `Not a vision model, so the images may be refused: ${blind.join(', ')}.` : '');
  }

  private toggleSettings(open = this.settings.element.hidden): void {
    this.settings.element.hidden = !open;
    this.settingsToggle.setAttribute('aria-expanded', String(open));
    if (this.state.settingsOpen !== open) {
      this.state.settingsOpen = open;
      this.persist();
    }
  }

  private toggleHistory(): void {
    const open = this.historyView.element.hidden;
    this.historyView.element.hidden = !open;
    this.historyToggle.setAttribute('aria-expanded', String(open));
    if (open) this.historyView.render(this.history, this.conversation.id);
  }

  private showNotice(message: string, level: 'info' | 'error'): void {
    this.notice.textContent = message;
    this.notice.dataset.level = level;
    this.notice.setAttribute('role', level === 'error' ? 'alert' : 'status');
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.send();
    } else if (e.key === 'Escape' && !e.defaultPrevented && !this.snippetDialog.open && isStreaming(this.conversation)) {
      e.preventDefault();
      this.stop();
    }
  }

  // ---- Persistence ---------------------------------------------------------------------------------------------

  private draftChanged(draft: Draft): void {
    this.state.draft = draft;
    this.updateVisionWarning();
    this.estimateSoon();
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.persist(), DRAFT_PERSIST_DELAY_MS);
  }

  /** The webview's own state: what a hidden-then-shown or reloaded panel comes back to. */
  private persist(): void {
    clearTimeout(this.draftTimer);
    this.state.draft = this.composer.draft;
    this.api.setState(this.state);
  }

  /** The workspace history, on the host. */
  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      if (this.conversation.turns.length) send(this.api, { type: 'saveConversation', conversation: this.conversation });
    }, SAVE_DELAY_MS);
  }
}
