import type { BudgetState } from '../../core/accounting/budget-state';
import type { Tally } from '../../core/usage/totals';
import type { CliContext } from '../context';
import { formatTokens, formatUsd } from '../../core/format';
import { table } from '../format';

export const COST_USAGE = 'switchboard cost [--json]';

const header = ['', 'REQUESTS', 'FAILED', 'CACHED', 'INPUT', 'OUTPUT', 'COST'];

function tallyRow(name: string, t: Tally): string[] {
  const cost = t.unpricedRequests ? `${formatUsd(t.costUsd)} (${t.unpricedRequests} unpriced)` : formatUsd(t.costUsd);
  return [name, String(t.requests), String(t.errors), String(t.cacheHits), formatTokens(t.inputTokens), formatTokens(t.outputTokens), cost];
}

const byCost = (tallies: Record<string, Tally>): [string, Tally][] => Object.entries(tallies).sort(([, a], [, b]) => b.costUsd - a.costUsd);

function budgetLine(budget: BudgetState): string {
  const part = (name: string, limit: number | null, spent: number) =>
    limit === null ? `${name}: no limit` : `${name}: ${formatUsd(spent)} of ${formatUsd(limit)} (${Math.floor((spent / limit) * 100)}%)`;
  const line = `Budget · ${part('daily', budget.limits.daily, budget.today)} · ${part('monthly', budget.limits.monthly, budget.month)}`;
  return budget.message ? `${line}\n${budget.message}` : line;
}

/** Usage and spend today, this month, per model and per provider, from the CLI's data folder. */
export async function costCommand(ctx: CliContext, options: { json: boolean }): Promise<number> {
  const { gateway } = ctx;
  const totals = await gateway.totals();
  const budget = await gateway.budgetState();
  if (options.json) {
    const { session: _session, ...persisted } = totals;
    ctx.stdout.write(`${JSON.stringify({ dataDir: gateway.requestLog.directory, ...persisted, budget }, null, 2)}\n`);
    return 0;
  }
  ctx.stdout.write(`Usage since ${new Date(totals.since).toLocaleString()}\n\n`);
  ctx.stdout.write(table([header.map((h, i) => (i === 0 ? 'PERIOD' : h)), tallyRow('today', totals.today), tallyRow('this month', totals.month)]));
  const models = byCost(totals.byModel);
  if (models.length) ctx.stdout.write(`\n${table([header.map((h, i) => (i === 0 ? 'MODEL' : h)), ...models.map(([id, t]) => tallyRow(id, t))])}`);
  const providers = byCost(totals.byProvider);
  if (providers.length) ctx.stdout.write(`\n${table([header.map((h, i) => (i === 0 ? 'PROVIDER' : h)), ...providers.map(([id, t]) => tallyRow(id, t))])}`);
  ctx.stdout.write(`\n${budgetLine(budget)}\n`);
  return 0;
}
