/**
 * Syntax highlighting off the webview's main thread. highlight.js compiles a grammar on its first use, which takes
 * one long task (Java's about 75 ms even in Node): here that stalls only this worker, never the panel's rendering
 * or input. Answers are highlighted in the order they are asked for.
 */
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
import type { HighlightRequest, HighlightResponse } from './highlight-protocol';

const LANGUAGES = { bash, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<HighlightRequest>) => void) | null;
  postMessage(message: HighlightResponse): void;
};

function highlight(code: string, language: string): string | null {
  if (!hljs.getLanguage(language)) return null;
  try {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return null;
  }
}

scope.onmessage = ({ data }) => scope.postMessage({ id: data.id, html: highlight(data.code, data.language) });

// Every grammar compiled ahead of the first answer that needs it, one per task so that requests get in between.
const uncompiled = Object.keys(LANGUAGES);
const compileNext = () => {
  const language = uncompiled.shift();
  if (!language) return;
  highlight('', language);
  setTimeout(compileNext, 0);
};
setTimeout(compileNext, 0);
