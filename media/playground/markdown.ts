import DOMPurify from 'dompurify';
import { Marked, type Token } from 'marked';
import { BlockSplitter } from './blocks';
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

/** A little of everything answers hold, for `warmUp`. */
const SAMPLE = [
  '# Title',
  'Some **bold**, *italic*, `code` and a [link](https://example.com).',
  '- one\n- two\n\n1. first',
  '> quoted',
  '| a | b |\n| - | - |\n| 1 | 2 |',
  '```\nplain\n```',
  'the open block',
].join('\n\n');

/**
 * Gets the renderer ready while the panel waits for a prompt: starts the highlighting worker, which compiles its
 * grammars, and renders a sample once, so that the browser compiles the lexer, the renderers and the sanitizer
 * now. Otherwise that lands in the first frame of the first answer, a long task of its own.
 */
export function warmUp(): void {
  highlighter.warmUp();
  requestIdleCallback(() => {
    const splitter = new BlockSplitter();
    splitter.append(SAMPLE);
    const { finished, tail } = splitter.update();
    renderFinished(finished);
    renderDraft(tail);
  });
}

export { BlockSplitter };
