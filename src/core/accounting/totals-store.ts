import { addToTally, emptyTally, localDay, localMonth, type Tally, type LiveUsage, type TotalsSnapshot } from '../usage/totals';
import type { Spend } from '../usage/budget';

/** What the accounting needs from usage totals: `UsageTotals` (persisted) or `MemoryTotals` (no data folder). */
export interface TotalsStore {
  add(entry: LiveUsage): void;
  snapshot(): TotalsSnapshot;
  spend(): Spend;
  resetSession(): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const clone = (t: Tally): Tally => ({ ...t });
const cloneAll = (m: Map<string, Tally>): Record<string, Tally> => Object.fromEntries([...m].map(([k, v]) => [k, clone(v)]));

function bucket(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = emptyTally()));
  return t;
}

/**
 * Totals kept in memory only, for a gateway without a data folder (tests, embedders): the same figures as
 * `UsageTotals`, gone when the process ends.
 */
export class MemoryTotals implements TotalsStore {
  private readonly since: string;
  private readonly session = emptyTally();
  private day = { key: '', tally: emptyTally() };
  private month = { key: '', tally: emptyTally() };
  private readonly byModel = new Map<string, Tally>();
  private readonly byProvider = new Map<string, Tally>();
  private readonly byWorkspace = new Map<string, Tally>();

  constructor(
    private readonly workspace?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.since = this.now().toISOString();
    this.roll();
  }

  private roll(): void {
    const now = this.now();
    if (this.day.key !== localDay(now)) this.day = { key: localDay(now), tally: emptyTally() };
    if (this.month.key !== localMonth(now)) this.month = { key: localMonth(now), tally: emptyTally() };
  }

  add(entry: LiveUsage): void {
    this.roll();
    addToTally(this.session, entry);
    const started = entry.startedAt;
    if (localDay(started) === this.day.key) addToTally(this.day.tally, entry);
    if (localMonth(started) === this.month.key) addToTally(this.month.tally, entry);
    addToTally(bucket(this.byModel, entry.model), entry);
    addToTally(bucket(this.byProvider, entry.provider), entry);
    if (entry.workspace) addToTally(bucket(this.byWorkspace, entry.workspace), entry);
  }

  snapshot(): TotalsSnapshot {
    this.roll();
    return {
      since: this.since,
      session: clone(this.session),
      today: clone(this.day.tally),
      month: clone(this.month.tally),
      ...(this.workspace !== undefined ? { workspace: clone(this.byWorkspace.get(this.workspace) ?? emptyTally()) } : {}),
      byWorkspace: cloneAll(this.byWorkspace),
      byModel: cloneAll(this.byModel),
      byProvider: cloneAll(this.byProvider),
    };
  }

  spend(): Spend {
    this.roll();
    return { today: this.day.tally.costUsd, month: this.month.tally.costUsd };
  }

  resetSession(): void {
    Object.assign(this.session, emptyTally());
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
