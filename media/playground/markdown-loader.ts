/**
 * The Markdown renderer (marked and DOMPurify; highlight.js runs in a worker it starts) is a chunk of its own,
 * loaded once the panel is up or when the first answer needs it, whichever is first: not while the panel first
 * paints.
 */
type MarkdownModule = typeof import('./markdown');

let loading: Promise<MarkdownModule> | undefined;
let loaded: MarkdownModule | undefined;

export function loadMarkdown(): Promise<MarkdownModule> {
  loading ??= import('./markdown').then((module) => (loaded = module));
  return loading;
}

/** The renderer, if it has arrived. */
export const markdownNow = (): MarkdownModule | undefined => loaded;
