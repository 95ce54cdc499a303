/**
 * "Did you mean" for model ids: each id is compared whole, without its provider, and by its last path segment,
 * ignoring case and punctuation, so `gpt5-mini` finds `openai/gpt-5-mini` and `claude-sonnet` the Sonnet models.
 */

const normalize = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/** A form that contains the whole query is nearly a match, whatever its length; otherwise, the edit distance. */
const formScore = (query: string, form: string): number =>
  form.includes(query) ? (form.length - query.length) / 10 : levenshtein(query, form);

/** The ids closest to `query`, best first; ids that share too little with it are left out. */
export function closestIds(query: string, ids: Iterable<string>, limit = 3): string[] {
  const q = normalize(query);
  if (!q || limit <= 0) return [];
  const scored: { id: string; score: number; tie: number }[] = [];
  for (const id of ids) {
    const model = id.slice(id.indexOf('/') + 1);
    const lastSegment = model.slice(model.lastIndexOf('/') + 1);
    const whole = normalize(id);
    const score = Math.min(formScore(q, whole), formScore(q, normalize(model)), formScore(q, normalize(lastSegment)));
    if (score < q.length) scored.push({ id, score, tie: levenshtein(q, whole) });
  }
  scored.sort((a, b) => a.score - b.score || a.tie - b.tie || a.id.localeCompare(b.id));
  return scored.slice(0, limit).map((s) => s.id);
}
