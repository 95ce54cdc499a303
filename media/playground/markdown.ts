import DOMPurify from 'dompurify';
import { Marked, type Token } from 'marked';
import { Highlighter } from './highlighter';

const highlighter = new Highlighter(new URL('./highlight-worker.js', import.meta.url));

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Finished blocks: fenced code with a language is marked for the highlighter, which fills it in when its worker
 * answers (see `renderFinished`).
 */
const finalMarked = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }) {
      const language = lang?.match(/^\S+/)?.[0]?.toLowerCase();
      if (!language) return false;
      const name = escapeHtml(language).replace(/"/g, '&quot;');
      return `<pre><code class="language-${name}" data-language="${name}">${escapeHtml(text)}</code></pre>\n`;
    },
  },
});

/** Starts the highlighting worker, which compiles its grammars before the first answer needs them. */
export const warmUpHighlighting = (): void => highlighter.warmUp();

/** The block still streaming: no highlighting, which would redo the whole block on every frame. */
const draftMarked = new Marked({ gfm: true });

/**
 * Model output is untrusted HTML once Markdown allows raw tags: every render goes through DOMPurify, which keeps
 * formatting and drops scripts, event handlers, forms, styles and `javascript:` URLs.
 */
const sanitize = (html: string): DocumentFragment => DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true, FORBID_TAGS: ['style', 'form'] });

export function renderFinished(tokens: Token[]): DocumentFragment {
  const blocks = sanitize(finalMarked.parser(tokens));
  for (const code of blocks.querySelectorAll<HTMLElement>('code[data-language]')) highlighter.highlight(code, code.dataset.language!);
  return blocks;
}
export const renderDraft = (tokens: Token[]): DocumentFragment => sanitize(draftMarked.parser(tokens));

export { BlockSplitter } from './blocks';
