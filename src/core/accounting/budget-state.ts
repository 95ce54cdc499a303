import { checkBudget, type BudgetLimits, type BudgetPeriod, type Spend } from '../usage/budget';

/** Where spending stands against the budgets, for a status bar or a `cost` command. */
export interface BudgetState {
  state: 'ok' | 'warn' | 'blocked';
  /** Empty when `ok`. */
  message: string;
  /** The limit this state is about: the one that warns or blocks, else the one closest to being reached. */
  period?: BudgetPeriod;
  /** USD spent in `period` (today's spend when no limit is set). */
  spend: number;
  /** USD, the limit of `period`; null when no budget is set. */
  limit: number | null;
  today: number;
  month: number;
  limits: BudgetLimits;
}

export function budgetState(spend: Spend, limits: BudgetLimits): BudgetState {
  const base = { today: spend.today, month: spend.month, limits };
  const check = checkBudget(spend, limits, 0);
  if (check.state !== 'ok') {
    return { ...base, state: check.state, message: check.message, period: check.period, spend: check.spent ?? 0, limit: check.limit ?? null };
  }
  const periods: { period: BudgetPeriod; limit: number; spent: number }[] = [];
  if (limits.daily !== null) periods.push({ period: 'daily', limit: limits.daily, spent: spend.today });
  if (limits.monthly !== null) periods.push({ period: 'monthly', limit: limits.monthly, spent: spend.month });
  const closest = periods.sort((a, b) => b.spent / b.limit - a.spent / a.limit)[0];
  if (!closest) return { ...base, state: 'ok', message: '', spend: spend.today, limit: null };
  return { ...base, state: 'ok', message: '', period: closest.period, spend: closest.spent, limit: closest.limit };
}
