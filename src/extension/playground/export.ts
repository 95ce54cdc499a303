import { formatMs, formatUsd } from '../../core/format';
import type { Conversation, Reply, RunParams } from '../../shared/playground-protocol';

export const EXPORT_FORMAT = 'switchboard-playground';

export function exportJson(conversation: Conversation, now = new Date()): string {
  return `${JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: now.toISOString(), conversation }, null, 2)}\n`;
}

const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');

function paramsLine(params: RunParams): string {
  const parts: string[] = [];
  if (params.temperature !== undefined) parts.push(`temperature ${params.temperature}`);
  if (params.topP !== undefined) parts.push(`top_p ${params.topP}`);
  if (params.maxTokens !== undefined) parts.push(`max tokens ${params.maxTokens}`);
  if (params.stop.length) parts.push(`stop ${params.stop.map((s) => JSON.stringify(s)).join(', ')}`);
  if (params.output === 'json_object') parts.push('output: JSON object');
  if (params.output === 'json_schema') parts.push('output: JSON schema');
  return parts.join(' · ');
}

function replyFooter(reply: Reply): string {
  if (reply.status === 'error') return `_Failed: ${reply.error ?? 'unknown error'}_`;
  if (reply.status === 'stopped') return '_Stopped before the end._';
  if (reply.status === 'streaming') return '_Unfinished._';
  const s = reply.stats;
  if (!s) return '';
  const parts = [
    `answered by \`${s.model}\``,
    `${formatMs(s.latencyMs)} (ttft ${formatMs(s.ttftMs)})`,
    ...(s.tokensPerSecond === null ? [] : [`${Math.round(s.tokensPerSecond)} tokens/s`]),
    `${s.inputTokens} in / ${s.outputTokens} out tokens`,
    s.priced ? formatUsd(s.cost) : 'no price known',
  ];
  if (s.attempts.length > 1) parts.push(`${s.attempts.length} attempts`);
  return `_${parts.join(' · ')}_`;
}

/** A readable transcript: every turn, each column's answer under its model, with the figures of each run. */
export function exportMarkdown(conversation: Conversation, now = new Date()): string {
  const out: string[] = [`# ${conversation.title}`, ''];
  const models = conversation.columns.map((c) => `\`${c.model}\``).join(', ');
  out.push(`Exported from the Switchboard playground on ${now.toISOString()}. Models: ${models}.`, '');
  if (conversation.params.system.trim()) out.push('**System prompt**', '', quote(conversation.params.system.trim()), '');
  const params = paramsLine(conversation.params);
  if (params) out.push(`**Settings:** ${params}`, '');
  if (conversation.params.output === 'json_schema' && conversation.params.jsonSchema.trim()) {
    out.push('**JSON schema**', '', '```json', conversation.params.jsonSchema.trim(), '```', '');
  }
  conversation.turns.forEach((turn, i) => {
    out.push('---', '', `## ${i + 1}. You`, '', turn.user.text, '');
    if (turn.user.images.length) out.push(`_${turn.user.images.length} image${turn.user.images.length === 1 ? '' : 's'} attached._`, '');
    for (const column of conversation.columns) {
      const reply = turn.replies[column.id];
      if (!reply) continue;
      out.push(`### \`${reply.model}\``, '');
      if (reply.text) out.push(reply.text, '');
      const footer = replyFooter(reply);
      if (footer) out.push(footer, '');
    }
  });
  return `${out.join('\n').trimEnd()}\n`;
}

/** A file name from the title: letters, digits and dashes. */
export function exportFileName(conversation: Conversation, format: 'json' | 'markdown'): string {
  const base = conversation.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'conversation';
  return `${base}.${format === 'json' ? 'json' : 'md'}`;
}
