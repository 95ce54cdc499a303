import type { Settings } from '../config/settings';
import { SwitchboardError } from '../errors';

/**
 * Daily and monthly spending limits (`switchboard.budget.daily`, `.monthly`, `.warnAt`). A request is blocked when
 * the spend so far, plus its estimated cost, would pass a limit; it warns once the spend reaches `warnAt` of one.
 * A caller can go over on purpose with the request option `allowOverBudget: true`.
 */

export interface BudgetLimits {
  /** USD per local day, or null for none. */
  daily: number | null;
  /** USD per local month, or null for none. */
  monthly: number | null;
  /** Fraction of a limit at which to warn, in (0, 1]. */
  warnAt: number;
}

export const budgetLimits = (settings: Pick<Settings, 'budget.daily' | 'budget.monthly' | 'budget.warnAt'>): BudgetLimits => ({
  daily: settings['budget.daily'],
  monthly: settings['budget.monthly'],
  warnAt: settings['budget.warnAt'],
});

/** Spend so far in USD, e.g. `UsageTotals.spend()`. */
export interface Spend {
  today: number;
  month: number;
}

export type BudgetPeriod = 'daily' | 'monthly';

export interface BudgetCheck {
  state: 'ok' | 'warn' | 'blocked';
  /** Empty when `ok`. */
  message: string;
  /** The limit the state is about. */
  period?: BudgetPeriod;
  limit?: number;
  spent?: number;
  estimatedCost?: number;
}

/** Dollars as a person reads them: cents, or two significant digits below a cent. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toFixed(2)}`;
}

const PERIOD_WORDS: Record<BudgetPeriod, { noun: string; when: string; setting: string }> = {
  daily: { noun: 'Daily', when: 'today', setting: 'switchboard.budget.daily' },
  monthly: { noun: 'Monthly', when: 'this month', setting: 'switchboard.budget.monthly' },
};

function blockedMessage(period: BudgetPeriod, limit: number, spent: number, estimatedCost: number): string {
  const w = PERIOD_WORDS[period];
  const reached = spent >= limit;
  const head = reached
    ? `${w.noun} budget reached: ${formatUsd(spent)} spent ${w.when} of the ${formatUsd(limit)} limit.`
    : `${w.noun} budget would be exceeded: ${formatUsd(spent)} spent ${w.when} of the ${formatUsd(limit)} limit, and this request would add about ${formatUsd(estimatedCost)}.`;
  return `${head} To continue, raise ${w.setting}, or send the request with the option allowOverBudget: true.`;
}

/** Checks the spend (plus a request's estimated cost) against the limits; the daily limit is checked first. */
export function checkBudget(spend: Spend, limits: BudgetLimits, estimatedCost = 0): BudgetCheck {
  const periods: [BudgetPeriod, number | null, number][] = [
    ['daily', limits.daily, spend.today],
    ['monthly', limits.monthly, spend.month],
  ];
  let warning: BudgetCheck | undefined;
  for (const [period, limit, spent] of periods) {
    if (limit === null || limit === undefined) continue;
    const projected = spent + Math.max(0, estimatedCost);
    if (spent >= limit || projected > limit) {
      return { state: 'blocked', message: blockedMessage(period, limit, spent, estimatedCost), period, limit, spent, estimatedCost };
    }
    if (!warning && projected >= limit * limits.warnAt) {
      const w = PERIOD_WORDS[period];
      const percent = Math.floor((projected / limit) * 100);
      warning = {
        state: 'warn',
        message: `${w.noun} budget at ${percent}%: ${formatUsd(spent)} spent ${w.when} of the ${formatUsd(limit)} limit.`,
        period,
        limit,
        spent,
        estimatedCost,
      };
    }
  }
  return warning ?? { state: 'ok', message: '' };
}

export class BudgetExceededError extends SwitchboardError {
  readonly period: BudgetPeriod;
  readonly limit: number;
  readonly spent: number;
  constructor(check: BudgetCheck & { period: BudgetPeriod; limit: number; spent: number }) {
    super('budget_exceeded', check.message, 2);
    this.period = check.period;
    this.limit = check.limit;
    this.spent = check.spent;
  }
}

/**
 * Throws `BudgetExceededError` when the check blocks and the request did not opt in with `allowOverBudget`.
 * Returns the check otherwise, so that the caller can show a warning.
 */
export function enforceBudget(check: BudgetCheck, options: { allowOverBudget?: boolean } = {}): BudgetCheck {
  if (check.state === 'blocked' && !options.allowOverBudget) {
    throw new BudgetExceededError(check as BudgetCheck & { period: BudgetPeriod; limit: number; spent: number });
  }
  return check;
}
