import * as vscode from 'vscode';
import type { BudgetState } from '../core/accounting/budget-state';
import type { GatewayResult } from '../core/types';
import type { GatewayHost } from './gateway-host';

export interface ModelSpend {
  model: string;
  requests: number;
  /** USD. */
  usd: number;
  /** Requests whose model has no known price, so `usd` misses them. */
  unpriced: number;
}

export interface SessionSpend {
  usd: number;
  requests: number;
  byModel: ModelSpend[];
}

/** The spend the status bar and the cost summary show. */
export interface CostTotals {
  readonly onDidChange: vscode.Event<void>;
  record(result: GatewayResult): void;
  /** Since the window opened or the last reset, per model. */
  session(): SessionSpend;
  /** Today's spend in USD (every Switchboard request in this profile), as the budgets count it. */
  today(): number;
  /** Spend against the budgets, once the gateway has loaded its totals. */
  budget(): BudgetState | undefined;
  resetSession(): void;
}

/**
 * The session's spend per model, counted from finished requests here; today's spend and the budget state come
 * from the gateway's persisted usage totals, refreshed after each request and each settings change.
 */
export class CostTracker implements CostTotals, vscode.Disposable {
  private readonly models = new Map<string, ModelSpend>();
  private readonly changed = new vscode.EventEmitter<void>();
  private budgetState: BudgetState | undefined;
  readonly onDidChange = this.changed.event;

  constructor(private readonly gateway: GatewayHost) {}

  record(result: GatewayResult): void {
    const spend = this.models.get(result.model) ?? { model: result.model, requests: 0, usd: 0, unpriced: 0 };
    spend.requests += 1;
    if (!result.cost.priced) spend.unpriced += 1;
    else if (!result.cacheHit) spend.usd += result.cost.total;
    this.models.set(result.model, spend);
    this.changed.fire();
    void this.refresh();
  }

  /** Re-reads today's spend and the budget state from the gateway, if it is loaded (or `load` asks for it). */
  async refresh(load = false): Promise<void> {
    if (!this.gateway.loaded && !load) return;
    const gateway = await this.gateway.get();
    this.budgetState = await gateway.budgetState();
    this.changed.fire();
  }

  session(): SessionSpend {
    const byModel = [...this.models.values()].map((m) => ({ ...m })).sort((a, b) => b.usd - a.usd);
    return {
      usd: byModel.reduce((sum, m) => sum + m.usd, 0),
      requests: byModel.reduce((sum, m) => sum + m.requests, 0),
      byModel,
    };
  }

  today(): number {
    return this.budgetState?.today ?? 0;
  }

  budget(): BudgetState | undefined {
    return this.budgetState;
  }

  resetSession(): void {
    this.models.clear();
    if (this.gateway.loaded) void this.gateway.get().then((g) => g.resetSessionCost());
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
