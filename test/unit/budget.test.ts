import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/core/config/settings';
import { SwitchboardError } from '../../src/core/errors';
import { BudgetExceededError, budgetLimits, checkBudget, enforceBudget, formatUsd } from '../../src/core/usage/budget';

const limits = { daily: 5, monthly: 50, warnAt: 0.8 };

test('no limits: always ok', () => {
  assert.deepEqual(checkBudget({ today: 1e6, month: 1e6 }, budgetLimits(DEFAULT_SETTINGS), 10), { state: 'ok', message: '' });
});

test('limits come from the budget settings', () => {
  const { settings } = parseSettings({ 'switchboard.budget.daily': 2, 'switchboard.budget.monthly': 20, 'switchboard.budget.warnAt': 0.5 });
  assert.deepEqual(budgetLimits(settings), { daily: 2, monthly: 20, warnAt: 0.5 });
});

test('under the warning threshold: ok', () => {
  assert.equal(checkBudget({ today: 3.9, month: 10 }, limits).state, 'ok');
});

test('at the warning threshold (counting the estimate): warn, naming the spend and the limit', () => {
  const check = checkBudget({ today: 3.9, month: 10 }, limits, 0.2);
  assert.equal(check.state, 'warn');
  assert.equal(check.period, 'daily');
  assert.equal(check.message, 'Daily budget at 82%: $3.90 spent today of the $5.00 limit.');
  // enforce lets a warning through.
  assert.equal(enforceBudget(check).state, 'warn');
});

test('the monthly limit warns and blocks too', () => {
  assert.equal(checkBudget({ today: 0, month: 41 }, limits).state, 'warn');
  const check = checkBudget({ today: 0, month: 50 }, limits);
  assert.equal(check.state, 'blocked');
  assert.equal(check.period, 'monthly');
  assert.match(check.message, /Monthly budget reached: \$50\.00 spent this month of the \$50\.00 limit\./);
  assert.match(check.message, /raise switchboard\.budget\.monthly/);
});

test('blocked when spent, or when this request would pass the limit', () => {
  const reached = checkBudget({ today: 5.01, month: 10 }, limits);
  assert.equal(reached.state, 'blocked');
  assert.match(reached.message, /^Daily budget reached: \$5\.01 spent today of the \$5\.00 limit\./);
  const wouldPass = checkBudget({ today: 4.9, month: 10 }, limits, 0.25);
  assert.equal(wouldPass.state, 'blocked');
  assert.match(wouldPass.message, /would be exceeded: \$4\.90 spent today of the \$5\.00 limit, and this request would add about \$0\.25\./);
});

test('enforce throws BudgetExceededError (exit code 2) that says how to override, unless allowOverBudget', () => {
  const check = checkBudget({ today: 6, month: 10 }, limits);
  assert.throws(
    () => enforceBudget(check),
    (err: unknown) => {
      assert.ok(err instanceof BudgetExceededError);
      assert.ok(err instanceof SwitchboardError);
      assert.equal(err.exitCode, 2);
      assert.equal(err.code, 'budget_exceeded');
      assert.equal(err.limit, 5);
      assert.equal(err.spent, 6);
      assert.match(err.message, /\$5\.00 limit/);
      assert.match(err.message, /\$6\.00 spent/);
      assert.match(err.message, /raise switchboard\.budget\.daily, or send the request with the option allowOverBudget: true/);
      return true;
    },
  );
  assert.equal(enforceBudget(check, { allowOverBudget: true }).state, 'blocked');
});

test('formatUsd shows cents, and small amounts with two significant digits', () => {
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(12.345), '$12.35');
  assert.equal(formatUsd(0.0042), '$0.0042');
  assert.equal(formatUsd(0.000123456), '$0.00012');
});
