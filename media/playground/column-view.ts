import type { Column, Conversation, ModelInfo, Reply, Turn } from '../../src/shared/playground-protocol';
import { h } from './dom';
import { ModelPicker } from './model-picker';
import type { ReplyView } from './reply-view';

export interface ColumnHandlers {
  models: () => readonly ModelInfo[];
  onModel: (model: string) => void;
  onRerun: () => void;
  onRemove: () => void;
  /** The view of a reply, made once per run and kept across renders. */
  replyView: (reply: Reply) => ReplyView;
}

/** Closer than this to the bottom, a column follows new text. */
const PIN_SLACK_PX = 48;

/** One model's column: its picker and buttons, then the conversation as that model answered it. */
export class ColumnView {
  readonly element: HTMLElement;
  readonly picker: ModelPicker;
  private readonly transcript: HTMLElement;
  private readonly rerunButton: HTMLButtonElement;
  private readonly removeButton: HTMLButtonElement;
  private readonly heading: HTMLElement;
  private pinned = true;
  /** Each turn's element, by turn and run: kept across renders. */
  private turnElements = new Map<string, HTMLElement>();

  constructor(
    readonly column: Column,
    private readonly handlers: ColumnHandlers,
  ) {
    this.picker = new ModelPicker({ label: 'Model', value: column.model, models: handlers.models, onChange: handlers.onModel });
    this.heading = h('h2', { class: 'column-title' });
    this.rerunButton = h('button', { type: 'button', class: 'secondary rerun', onclick: () => handlers.onRerun() }, 'Re-run');
    this.removeButton = h('button', { type: 'button', class: 'icon remove-column', onclick: () => handlers.onRemove() }, '×');
    this.transcript = h('div', { class: 'transcript', role: 'log', 'aria-live': 'off', tabindex: 0 });
    this.transcript.addEventListener('scroll', () => {
      const t = this.transcript;
      this.pinned = t.scrollHeight - t.scrollTop - t.clientHeight < PIN_SLACK_PX;
    });
    this.element = h(
      'section',
      { class: 'column', 'data-column': column.id },
      h('header', { class: 'column-header' }, h('div', { class: 'column-heading' }, this.heading, this.rerunButton, this.removeButton), this.picker.element),
      this.transcript,
    );
  }

  /** The header: title, picker and buttons, whose state follows the runs. */
  updateControls(conversation: Conversation, index: number, busy: boolean): void {
    const column = conversation.columns[index];
    const name = `Column ${index + 1}`;
    const model = column.model || 'no model';
    this.heading.textContent = conversation.columns.length > 1 ? name : 'Model';
    this.element.setAttribute('aria-label', `${name}: ${model}`);
    this.picker.refresh(column.model);
    this.transcript.setAttribute('aria-label', `Conversation with ${model}`);
    const last = conversation.turns.at(-1);
    const streaming = last?.replies[column.id]?.status === 'streaming';
    this.rerunButton.disabled = !last || streaming || !column.model;
    this.rerunButton.setAttribute('aria-label', `Re-run the last prompt with ${model} (${name})`);
    this.removeButton.hidden = conversation.columns.length < 2;
    this.removeButton.disabled = busy;
    this.removeButton.setAttribute('aria-label', `Remove ${name} (${model})`);
  }

  render(conversation: Conversation, index: number, busy: boolean): void {
    this.updateControls(conversation, index, busy);
    const column = conversation.columns[index];
    if (!conversation.turns.length) {
      this.turnElements.clear();
      this.transcript.replaceChildren(
        h('p', { class: 'empty-state' }, 'Send a prompt to start. Add models to compare their answers, speed and cost side by side.'),
      );
      return;
    }
    const kept = new Map<string, HTMLElement>();
    const wanted = conversation.turns.map((turn, i) => {
      const reply = turn.replies[column.id];
      const replyElement = reply ? this.handlers.replyView(reply).element : undefined;
      const key = `${turn.id} ${reply?.runId ?? ''}`;
      const cached = this.turnElements.get(key);
      // A turn is kept while it still holds the reply's current view (reply views are made again after a reload).
      const element = cached && (!replyElement || cached.contains(replyElement)) ? cached : this.turnElement(turn, i, replyElement);
      kept.set(key, element);
      return element;
    });
    this.turnElements = kept;
    // Turns already on screen stay in place: taking a long answer out and back in would lay all of it out again.
    const shown = this.transcript.children;
    const samePrefix = shown.length <= wanted.length && wanted.slice(0, shown.length).every((el, i) => shown[i] === el);
    if (samePrefix) this.transcript.append(...wanted.slice(shown.length));
    else this.transcript.replaceChildren(...wanted);
  }

  private turnElement(turn: Turn, i: number, replyElement: HTMLElement | undefined): HTMLElement {
    return h(
      'div',
      { class: 'turn', 'data-turn': turn.id },
      h(
        'div',
        { class: 'user-message', 'aria-label': `Prompt ${i + 1}` },
        h('div', { class: 'user-text' }, turn.user.text),
        turn.user.images.length
          ? h('div', { class: 'user-images' }, ...turn.user.images.map((src, n) => h('img', { src, alt: `Image ${n + 1} of prompt ${i + 1}` })))
          : undefined,
      ),
      replyElement ?? h('p', { class: 'no-reply' }, 'Not asked: this column was added later.'),
    );
  }

  /** Keeps the newest text in view, unless the reader scrolled up. */
  followOutput(force = false): void {
    if (force) this.pinned = true;
    if (this.pinned) this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  dispose(): void {
    this.element.remove();
  }
}
