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
