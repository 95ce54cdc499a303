import type { CatalogEntry } from './types';

type Lifecycle = Pick<CatalogEntry, 'endOfLife' | 'replacement'>;

const today = (now: Date): string => now.toISOString().slice(0, 10);

/** True from the model's end-of-life day on: its provider no longer serves it. */
export function isRetired(entry: Lifecycle, now = new Date()): boolean {
  return entry.endOfLife !== undefined && today(now) >= entry.endOfLife;
}

/** One line on the model's end of life (retired, or retiring on a date), with its replacement; none without one. */
export function lifecycleNote(entry: Lifecycle, now = new Date()): string | undefined {
  if (entry.endOfLife === undefined) return undefined;
  const instead = entry.replacement ? `; use ${entry.replacement}` : '';
  return `${isRetired(entry, now) ? 'retired on' : 'retires on'} ${entry.endOfLife}${instead}`;
}

/** The entries a model list offers: those in service, and `keep` (the model in use) even when it is retired. */
export function inService<E extends Lifecycle & { id: string }>(entries: readonly E[], keep?: string, now = new Date()): E[] {
  return entries.filter((entry) => entry.id === keep || !isRetired(entry, now));
}

/** What to do about a model at its end of life: switch to its replacement, or to another model without one. */
export const switchAdvice = (entry: Lifecycle): string => `switch to ${entry.replacement ?? 'another model'}`;

/** How many days before a model's end of life the requests made to it start to warn. */
export const RETIREMENT_NOTICE_DAYS = 30;
const DAY_MS = 86_400_000;

/** A warning for a model in use that is retired or retires within `RETIREMENT_NOTICE_DAYS`; none otherwise. */
export function retirementWarning(entry: Lifecycle & { id: string }, now = new Date()): string | undefined {
  const { endOfLife } = entry;
  if (endOfLife === undefined) return undefined;
  const instead = switchAdvice(entry);
  if (isRetired(entry, now)) return `${entry.id} was retired on ${endOfLife}: ${instead}.`;
  const days = Math.ceil((Date.parse(`${endOfLife}T00:00:00Z`) - now.getTime()) / DAY_MS);
  if (days > RETIREMENT_NOTICE_DAYS) return undefined;
  return `${entry.id} retires on ${endOfLife}, in ${days} day${days === 1 ? '' : 's'}: ${instead} before then.`;
}

/** What `watchRetirements` needs of a gateway. */
export interface AnsweredRequests {
  readonly catalog: { get(id: string): (Lifecycle & { id: string }) | undefined };
  onDidFinish(listener: (event: { result?: { requestedModel: string; model: string } }) => void): () => void;
}

/**
 * Calls `notify` once per model with its `retirementWarning`, when a request it was asked for or answered is answered.
 * Returns the function that stops watching.
 */
export function watchRetirements(gateway: AnsweredRequests, notify: (message: string) => void, now = () => new Date()): () => void {
  const warned = new Set<string>();
  // On every answered request's path: two map lookups, and a date only for a model with an end of life.
  const check = (model: string) => {
    const entry = warned.has(model) ? undefined : gateway.catalog.get(model);
    const message = entry?.endOfLife === undefined ? undefined : retirementWarning(entry, now());
    if (!message) return;
    warned.add(model);
    notify(message);
  };
  return gateway.onDidFinish(({ result }) => {
    if (!result) return;
    check(result.requestedModel);
    if (result.model !== result.requestedModel) check(result.model);
  });
}
