/** Messages between the playground and its highlighting worker (media/playground/highlight-worker.ts). */

/** Highlight `code` as `language` (a fence's info word, as the model wrote it). */
export interface HighlightRequest {
  id: number;
  code: string;
  language: string;
}

/** highlight.js's HTML for a request, or null when the language is not one the worker knows. */
export interface HighlightResponse {
  id: number;
  html: string | null;
}
