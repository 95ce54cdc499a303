import type { Token } from 'marked';
import type { BlockSplitter } from './blocks';
import { h } from './dom';
import { loadMarkdown, markdownNow } from './markdown-loader';

/**
 * Rendering per frame stops after this long; the rest waits for the next frame. The browser's style, layout and
 * paint of what was added follow in the same task (in VS Code, with the workbench's own), about as long again.
 */
const FRAME_BUDGET_MS = 6;
/**
 * Blocks rendered (and sanitized) together. DOMPurify parses a new document on every call, so fewer, larger calls
 * cost less: at 10 blocks a call, rendering a 20,000-token answer took 22–35% less time than at 3, and a call stays
 * around a millisecond, so the step that crosses the budget overshoots it little.
 */
const BLOCKS_PER_RENDER = 10;
/** Text handed to the block splitter per step: lexing is linear, so a step stays well inside a frame. */
const SPLIT_SLICE_CHARS = 8_000;
/**
 * Finished blocks are grouped into chunks of about this many, and only chunks are skipped off screen
 * (content-visibility): the browser checks each skippable element's distance to the viewport on every frame, so
 * a thousand single blocks cost more per frame than the blocks' own rendering.
 */
const BLOCKS_PER_CHUNK = 24;

/**
 * An answer's Markdown, rendered while it streams. Text gathers until the next animation frame; then the blocks
 * that finished are rendered once and appended, and only the open block is rendered again. Finished blocks are
 * rendered within a time budget per frame, so a burst (a fast model, a restored answer) is spread over frames
 * instead of freezing one: a 20,000-token answer costs per frame about what its last block costs. The renderer
 * is a chunk of its own: text that arrives before it has loaded waits for it.
 */
export class MarkdownStream {
  readonly element = h('div', { class: 'markdown' });
  private readonly finished = h('div', { class: 'markdown-finished' });
  private readonly tail = h('div', { class: 'markdown-tail' });
  /** The chunk finished blocks are appended to, and how many it holds. */
  private chunk: HTMLElement | undefined;
  private chunkBlocks = 0;
  private splitter: BlockSplitter | undefined;
  /** All text so far, and how much of it the splitter has. */
  private received = '';
  private fed = 0;
  /** Finished blocks not yet rendered. */
  private queue: Token[] = [];
  private open: Token[] = [];
  /** The stream ended; `split` once the splitter has handed out its last blocks. */
  private ended = false;
  private split = false;
  private frame = 0;
  private disposed = false;

  constructor(private readonly onRendered: () => void = () => {}) {
    this.element.append(this.finished, this.tail);
  }

  get text(): string {
    return this.received;
  }

  append(delta: string): void {
    if (!delta || this.ended) return;
    this.received += delta;
    this.schedule();
  }

  /** The stream ended: what is left is rendered as finished (highlighted). A different `text` replaces it all. */
  finish(text?: string): void {
    if (text !== undefined && text !== this.received) {
      this.show(text);
      return;
    }
    this.ended = true;
    this.schedule();
  }

  /** Shows a whole text (a restored or reconciled answer). */
  show(text: string): void {
    this.splitter = undefined;
    this.received = text;
    this.fed = 0;
    this.queue = [];
    this.open = [];
    this.ended = true;
    this.split = false;
    this.finished.replaceChildren();
    this.chunk = undefined;
    this.tail.replaceChildren();
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private schedule(): void {
    if (!this.disposed) this.frame ||= requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    const markdown = markdownNow();
    if (!markdown) {
      void loadMarkdown().then(() => this.schedule());
      return;
    }
    const started = performance.now();
    this.splitter ??= new markdown.BlockSplitter();
    // A whole answer at once (restored, or replaced at its end) is split a slice per step, within the budget.
    while (this.fed < this.received.length && performance.now() - started < FRAME_BUDGET_MS) {
      const end = Math.min(this.received.length, this.fed + SPLIT_SLICE_CHARS);
      this.splitter.append(this.received.slice(this.fed, end));
      this.fed = end;
      const { finished, tail } = this.splitter.update();
      this.queue.push(...finished);
      this.open = tail;
    }
    if (this.ended && !this.split && this.fed === this.received.length) {
      this.split = true;
      this.queue.push(...this.splitter.finish());
      this.open = [];
    }
    while (this.queue.length && performance.now() - started < FRAME_BUDGET_MS) {
      this.appendFinished(markdown.renderFinished(this.queue.splice(0, BLOCKS_PER_RENDER)));
    }
    // The open block shows only once every block before it is on screen.
    if (this.queue.length || !this.open.length) this.tail.replaceChildren();
    else this.tail.replaceChildren(markdown.renderDraft(this.open));
    this.onRendered();
    if (this.queue.length || this.fed < this.received.length) this.schedule();
  }

  private appendFinished(blocks: DocumentFragment): void {
    if (!this.chunk || this.chunkBlocks >= BLOCKS_PER_CHUNK) {
      this.chunk = h('div', { class: 'markdown-chunk' });
      this.chunkBlocks = 0;
      this.finished.append(this.chunk);
    }
    this.chunkBlocks += blocks.childElementCount;
    this.chunk.append(blocks);
  }
}
