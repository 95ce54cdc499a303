import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked, type Token } from 'marked';

const LANGUAGES = { bash, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
let registered = false;

/** Registration builds every grammar: done on first need, not while the panel is first painted. */
function registerLanguages(): void {
  if (registered) return;
  registered = true;
  for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Finished blocks: fenced code with a known language is highlighted. */
const finalMarked = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }) {
      const language = lang?.match(/^\S+/)?.[0]?.toLowerCase();
      registerLanguages();
      if (!language || !hljs.getLanguage(language)) return false;
      const html = hljs.highlight(text, { language, ignoreIllegals: true }).value;
      return `<pre><code class="hljs language-${escapeHtml(language)}">${html}</code></pre>\n`;
    },
  },
});

/**
 * highlight.js compiles a language's grammar on its first use, which for JavaScript takes longer than a frame:
 * done here one language per idle period, before any answer needs it, rather than in the middle of a stream.
 */
export function prepareHighlighting(): void {
  const pending = Object.keys(LANGUAGES);
  const next = () => {
    registerLanguages();
    const language = pending.shift();
    if (!language) return;
    hljs.highlight('', { language });
    requestIdleCallback(next, { timeout: 2000 });
  };
  requestIdleCallback(next, { timeout: 2000 });
}

/** The block still streaming: no highlighting, which would redo the whole block on every frame. */
const draftMarked = new Marked({ gfm: true });

/**
 * Model output is untrusted HTML once Markdown allows raw tags: every render goes through DOMPurify, which keeps
 * formatting and drops scripts, event handlers, forms, styles and `javascript:` URLs.
 */
const sanitize = (html: string): DocumentFragment => DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true, FORBID_TAGS: ['style', 'form'] });

export const renderFinished = (tokens: Token[]): DocumentFragment => sanitize(finalMarked.parser(tokens));
export const renderDraft = (tokens: Token[]): DocumentFragment => sanitize(draftMarked.parser(tokens));

export { BlockSplitter } from './blocks';
