import type { Token } from 'marked';
import { BlockSplitter } from './blocks';
import { h } from './dom';
import { renderDraft, renderFinished } from './markdown';

/** Rendering per frame stops after this long; the rest waits for the next frame. */
const FRAME_BUDGET_MS = 8;
/** Blocks rendered (and sanitized) together. */
const BLOCKS_PER_RENDER = 6;

/**
 * An answer's Markdown, rendered while it streams. Text gathers until the next animation frame; then the blocks
 * that finished are rendered once and appended, and only the open block is rendered again. Finished blocks are
 * rendered within a time budget per frame, so a burst (a fast model, a restored answer) is spread over frames
 * instead of freezing one: a 20,000-token answer costs per frame about what its last block costs.
 */
export class MarkdownStream {
  readonly element = h('div', { class: 'markdown' });
  private readonly finished = h('div', { class: 'markdown-finished' });
  private readonly tail = h('div', { class: 'markdown-tail' });
  private splitter = new BlockSplitter();
  private pending = '';
  /** Finished blocks not yet rendered. */
  private queue: Token[] = [];
  private open: Token[] = [];
  private ended = false;
  private frame = 0;

  constructor(private readonly onRendered: () => void = () => {}) {
    this.element.append(this.finished, this.tail);
  }

  get text(): string {
    return this.splitter.source + this.pending;
  }

  append(delta: string): void {
    if (!delta || this.ended) return;
    this.pending += delta;
    this.schedule();
  }

  /** The stream ended: what is left is rendered as finished (highlighted). A different `text` replaces it all. */
  finish(text?: string): void {
    if (text !== undefined && text !== this.text) {
      this.show(text);
      return;
    }
    this.splitter.append(this.pending);
    this.pending = '';
    this.queue.push(...this.splitter.finish());
    this.open = [];
    this.ended = true;
    this.schedule();
  }

  /** Shows a whole text (a restored or reconciled answer). */
  show(text: string): void {
    this.splitter = new BlockSplitter();
    this.splitter.append(text);
    this.pending = '';
    this.queue = [...this.splitter.finish()];
    this.open = [];
    this.ended = true;
    this.finished.replaceChildren();
    this.tail.replaceChildren();
    this.schedule();
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    const started = performance.now();
    if (this.pending) {
      this.splitter.append(this.pending);
      this.pending = '';
      const { finished, tail } = this.splitter.update();
      this.queue.push(...finished);
      this.open = tail;
    }
    while (this.queue.length && performance.now() - started < FRAME_BUDGET_MS) {
      this.finished.append(renderFinished(this.queue.splice(0, BLOCKS_PER_RENDER)));
    }
    // The open block shows only once every block before it is on screen.
    if (this.queue.length || !this.open.length) this.tail.replaceChildren();
    else this.tail.replaceChildren(renderDraft(this.open));
    this.onRendered();
    if (this.queue.length || this.pending) this.schedule();
  }
}
