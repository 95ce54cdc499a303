import * as vscode from 'vscode';
import { formatMs, formatUsd } from '../core/format';
import type { GatewayListener } from '../core/gateway';
import type { CostTotals } from './costs';
import type { Requests } from './requests';
import type { SettingsStore } from './settings';

type Finished = Parameters<GatewayListener>[0];

export interface StatusBarSnapshot {
  text: string;
  tooltip: string;
  /** The theme color id of the background, when it warns. */
  backgroundColor?: string;
}

const RENDER_INTERVAL_MS = 100;
const TICK_MS = 500;

/**
 * The status bar item: the current model, the session's running cost and the last request's latency and time to
 * first token; live progress while a request streams; a warning background once spending reaches `budget.warnAt`
 * of the daily or monthly budget, an error background past it.
 * Clicking it runs Switch Model.
 */
/** The commands the tooltip links to; only these run from its markdown. */
const TOOLTIP_COMMANDS = ['switchboard.openPlayground', 'switchboard.showCostSummary', 'switchboard.showRequestLog'];

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private last: Finished | undefined;
  private throttle: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly settings: SettingsStore,
    private readonly costs: CostTotals,
    private readonly requests: Requests,
  ) {
    this.item.name = 'Switchboard';
    this.item.command = 'switchboard.switchModel';
    this.disposables.push(
      settings.onDidChange(() => this.renderSoon()),
      costs.onDidChange(() => this.renderSoon()),
      requests.onDidChange(() => this.onRequestsChanged()),
    );
    this.render();
    this.item.show();
  }

  /** Takes the outcome of every gateway request, whoever made it. */
  readonly recordFinish: GatewayListener = (event) => {
    this.last = event;
    this.renderSoon();
  };

  snapshot(): StatusBarSnapshot {
    const tooltip = this.item.tooltip;
    return {
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      backgroundColor: this.item.backgroundColor instanceof vscode.ThemeColor ? this.item.backgroundColor.id : undefined,
    };
  }

  private onRequestsChanged(): void {
    const busy = this.requests.running.length > 0;
    if (busy && !this.ticker) this.ticker = setInterval(() => this.renderSoon(), TICK_MS);
    if (!busy && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.renderSoon();
  }

  /** Renders now, then at most once per interval while changes keep coming (a stream sends many). */
  private renderSoon(): void {
    if (this.throttle) {
      this.dirty = true;
      return;
    }
    this.render();
    this.throttle = setTimeout(() => {
      this.throttle = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.renderSoon();
      }
    }, RENDER_INTERVAL_MS);
  }

  private render(): void {
    const model = this.settings.current.model;
    const session = this.costs.session();
    const running = this.requests.running;
    const parts: string[] = [];
    if (running.length) {
      const newest = running[running.length - 1];
      const elapsed = formatMs(performance.now() - newest.startedAt);
      parts.push(`$(loading~spin) ${newest.model}`, newest.ttftMs === undefined ? `waiting ${elapsed}` : `${elapsed} (ttft ${formatMs(newest.ttftMs)})`);
      if (running.length > 1) parts.push(`+${running.length - 1}`);
    } else {
      parts.push(`$(hubot) ${model}`);
      if (session.requests) parts.push(formatUsd(session.usd));
      if (this.last?.result) parts.push(`${formatMs(this.last.result.latencyMs)} (ttft ${formatMs(this.last.result.ttftMs)})`);
      else if (this.last?.error) parts.push('$(error) failed');
    }
    this.item.text = parts.join(' · ');
    this.item.tooltip = this.tooltip(model, session);
    this.item.backgroundColor = this.budgetColor();
  }

  private tooltip(model: string, session: ReturnType<CostTotals['session']>): vscode.MarkdownString {
    const md = new vscode.MarkdownString();
    md.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
    md.appendMarkdown(`**Switchboard** · model \`${model}\`\n\n`);
    if (session.byModel.length) {
      md.appendMarkdown('| Model | Requests | Cost |\n|:--|--:|--:|\n');
      for (const m of session.byModel) {
        const cost = formatUsd(m.usd) + (m.unpriced ? ` (+${m.unpriced} unpriced)` : '');
        md.appendMarkdown(`| \`${m.model}\` | ${m.requests} | ${cost} |\n`);
      }
      md.appendMarkdown('\n');
    }
    const budget = this.costs.budget();
    md.appendMarkdown(`Session: **${formatUsd(session.usd)}** · Today: **${formatUsd(this.costs.today())}**`);
    md.appendMarkdown(budget?.limit ? ` · ${budget.period} budget ${formatUsd(budget.spend)} of ${formatUsd(budget.limit)}\n\n` : '\n\n');
    if (budget?.message) md.appendText(`${budget.message}\n\n`);
    const last = this.last;
    if (last?.result) {
      const r = last.result;
      md.appendMarkdown(
        `Last request: \`${r.model}\`, ${formatMs(r.latencyMs)} (ttft ${formatMs(r.ttftMs)}), ` +
          `${r.usage.inputTokens} in / ${r.usage.outputTokens} out tokens, ${r.cost.priced ? formatUsd(r.cost.total) : 'no price known'}\n\n`,
      );
    } else if (last?.error) {
      md.appendText(`Last request failed: ${last.error.message}\n\n`);
    }
    md.appendMarkdown(
      'Click to switch model · [Open Playground](command:switchboard.openPlayground) · ' +
        '[Cost Summary](command:switchboard.showCostSummary) · [Request Log](command:switchboard.showRequestLog)',
    );
    return md;
  }

  private budgetColor(): vscode.ThemeColor | undefined {
    switch (this.costs.budget()?.state) {
      case 'blocked':
        return new vscode.ThemeColor('statusBarItem.errorBackground');
      case 'warn':
        return new vscode.ThemeColor('statusBarItem.warningBackground');
      default:
        return undefined;
    }
  }

  dispose(): void {
    if (this.throttle) clearTimeout(this.throttle);
    if (this.ticker) clearInterval(this.ticker);
    for (const d of this.disposables) d.dispose();
  }
}
