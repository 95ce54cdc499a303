import type { AttemptInfo, Reply, RunStats } from '../../src/shared/playground-protocol';
import { h } from './dom';
import { formatMs, formatUsd } from './format';
import { MarkdownStream } from './markdown-stream';

export interface Badges {
  cheapest: boolean;
  fastest: boolean;
}

function stat(name: string, label: string, value: string): HTMLElement {
  return h('div', { class: 'stat' }, h('dt', {}, label), h('dd', { 'data-stat': name }, value));
}

function statsList(stats: RunStats): HTMLElement {
  const fallback = stats.model !== stats.requestedModel;
  return h(
    'dl',
    { class: 'stats', 'aria-label': 'Run statistics' },
    stat('model', fallback ? 'Answered by (fallback)' : 'Model', stats.model),
    stat('ttft', 'TTFT', formatMs(stats.ttftMs)),
    stat('latency', 'Total', formatMs(stats.latencyMs)),
    stat('speed', 'Speed', stats.tokensPerSecond === null ? '–' : `${stats.tokensPerSecond.toFixed(1)} tok/s`),
    stat('tokens', 'Tokens', `${stats.inputTokens} in / ${stats.outputTokens} out${stats.estimatedUsage ? ' (est.)' : ''}`),
    stat('cost', 'Cost', stats.priced ? formatUsd(stats.cost) : 'no price known'),
  );
}

function attemptLine(a: AttemptInfo): string {
  const status = a.status ? ` ${a.status}` : '';
  const error = a.error ? `: ${a.error}` : '';
  return `${a.model} (${a.provider}) · ${a.outcome}${status} · ${formatMs(a.latencyMs)}${a.hedged ? ' · hedged' : ''}${error}`;
}

/** Shown when retries or fallbacks happened: every attempt, in order. */
function attemptsList(attempts: AttemptInfo[]): HTMLElement | undefined {
  if (attempts.length < 2 && attempts.every((a) => a.outcome === 'ok')) return undefined;
  return h(
    'details',
    { class: 'attempts' },
    h('summary', {}, `${attempts.length} attempt${attempts.length === 1 ? '' : 's'}`),
    h('ol', {}, ...attempts.map((a) => h('li', { class: `attempt ${a.outcome}` }, attemptLine(a)))),
  );
}

/** One answer in a column: its Markdown (streamed), then its state, figures and attempts. */
export class ReplyView {
  readonly element: HTMLElement;
  private readonly body: MarkdownStream;
  private readonly footer = h('div', { class: 'reply-footer' });
  private badges: Badges = { cheapest: false, fastest: false };
  private reply: Reply;
  /** Kept apart from `reply`, which the app updates in place before it calls `update`. */
  private streaming: boolean;

  constructor(reply: Reply, onRendered: () => void) {
    this.reply = reply;
    this.streaming = reply.status === 'streaming';
    this.body = new MarkdownStream(onRendered);
    this.element = h('article', { class: 'reply', 'data-run': reply.runId, 'aria-label': `Answer from ${reply.model}` }, this.body.element, this.footer);
    if (reply.text) {
      if (reply.status === 'streaming') this.body.append(reply.text);
      else this.body.show(reply.text);
    }
    this.renderFooter();
  }

  append(text: string): void {
    this.body.append(text);
  }

  /** The run's state changed (an attempt, its end): the footer follows; an ended run's text is settled. */
  update(reply: Reply): void {
    this.reply = reply;
    if (this.streaming && reply.status !== 'streaming') {
      this.streaming = false;
      this.body.finish(reply.text);
    }
    this.renderFooter();
  }

  setBadges(badges: Badges): void {
    if (badges.cheapest === this.badges.cheapest && badges.fastest === this.badges.fastest) return;
    this.badges = badges;
    this.renderFooter();
  }

  dispose(): void {
    this.body.dispose();
  }

  private renderFooter(): void {
    const r = this.reply;
    this.element.dataset.status = r.status;
    const parts: (Node | undefined)[] = [];
    if (r.status === 'streaming') {
      const failed = r.attempts.filter((a) => a.outcome !== 'ok').length;
      parts.push(h('div', { class: 'reply-state' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), failed ? `Retrying (${failed} failed attempt${failed === 1 ? '' : 's'})…` : 'Streaming…'));
    } else if (r.status === 'stopped') {
      parts.push(h('div', { class: 'reply-state stopped' }, r.error && r.error !== 'Stopped.' ? r.error : 'Stopped.'));
    } else if (r.status === 'error') {
      parts.push(h('div', { class: 'reply-error', role: 'alert' }, h('strong', {}, 'The request failed. '), r.error ?? 'Unknown error.'));
    }
    const marks = [this.badges.cheapest && 'Cheapest', this.badges.fastest && 'Fastest'].filter((m): m is string => Boolean(m));
    if (marks.length) parts.push(h('div', { class: 'marks' }, ...marks.map((m) => h('span', { class: `mark ${m.toLowerCase()}` }, m))));
    if (r.stats) parts.push(statsList(r.stats));
    parts.push(attemptsList(r.stats?.attempts ?? r.attempts));
    this.footer.replaceChildren(...parts.filter((p): p is Node => p !== undefined));
  }
}
