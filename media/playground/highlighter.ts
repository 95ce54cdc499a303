import DOMPurify from 'dompurify';
import type { HighlightRequest, HighlightResponse } from './highlight-protocol';

/**
 * Highlights finished code blocks in a worker (see highlight-worker.ts), so that compiling a grammar never blocks
 * the panel. A block shows as plain code until its highlighted HTML arrives. VS Code lets a webview start a worker
 * only from a blob: URL, so the worker's script is fetched from the webview's own resources first. Without a
 * worker (it failed to load), code stays plain: readable, only without colours.
 */
export class Highlighter {
  private worker: Promise<Worker | undefined> | undefined;
  private readonly waiting = new Map<number, HTMLElement>();
  private nextId = 0;

  constructor(private readonly scriptUrl: URL) {}

  /** Starts the worker, which compiles its grammars meanwhile. */
  warmUp(): void {
    void this.start();
  }

  /** Highlights a `<code>` element's text as `language`, in place, when the worker answers. */
  highlight(element: HTMLElement, language: string): void {
    const request: HighlightRequest = { id: ++this.nextId, code: element.textContent ?? '', language };
    this.waiting.set(request.id, element);
    void this.start().then((worker) => {
      if (worker) worker.postMessage(request);
      else this.waiting.delete(request.id);
    });
  }

  private start(): Promise<Worker | undefined> {
    this.worker ??= fetch(this.scriptUrl)
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.blob();
      })
      .then((script) => {
        const worker = new Worker(URL.createObjectURL(script));
        worker.onmessage = (event: MessageEvent<HighlightResponse>) => this.apply(event.data);
        // A script that fails as it starts (or later) reports here, not to the constructor.
        worker.onerror = (event) => {
          event.preventDefault();
          worker.terminate();
          this.worker = Promise.resolve(undefined);
          this.giveUp(event.message);
        };
        return worker;
      })
      .catch((error: unknown) => {
        this.giveUp(String(error));
        return undefined;
      });
    return this.worker;
  }

  private giveUp(reason: string): void {
    console.warn(`Switchboard: code blocks are shown without highlighting; the highlighting worker did not start (${reason}).`);
    this.waiting.clear();
  }

  private apply({ id, html }: HighlightResponse): void {
    const element = this.waiting.get(id);
    this.waiting.delete(id);
    if (!element || html === null) return;
    // highlight.js escapes the code and adds only spans; sanitized all the same, as everything the page shows.
    element.replaceChildren(DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true, ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] }));
    element.classList.add('hljs');
  }
}
