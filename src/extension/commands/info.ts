import * as vscode from 'vscode';
import { formatUsd } from '../../core/format';
import { localGatewayToken, maskToken } from '../gateway-token';
import type { Services } from '../services';

/** Switchboard: Show Cost Summary: the session's spend per model and today's, in a Markdown editor. */
export async function showCostSummary(services: Services): Promise<vscode.TextDocument> {
  const session = services.costs.session();
  const settings = services.settings.current;
  const daily = settings['budget.daily'];
  const lines = [
    '# Switchboard cost summary',
    '',
    `- This session: **${formatUsd(session.usd)}** over ${session.requests} request${session.requests === 1 ? '' : 's'}`,
    `- Today: **${formatUsd(services.costs.today())}**` +
      (daily === null ? ' (no daily budget: set `switchboard.budget.daily`)' : ` of a ${formatUsd(daily)} daily budget (warns at ${Math.round(settings['budget.warnAt'] * 100)}%)`),
    '',
  ];
  if (session.byModel.length) {
    lines.push('| Model | Requests | Cost |', '|:--|--:|--:|');
    for (const m of session.byModel) {
      lines.push(`| \`${m.model}\` | ${m.requests} | ${formatUsd(m.usd)}${m.unpriced ? ` (${m.unpriced} without a known price)` : ''} |`);
    }
  } else {
    lines.push('_No requests yet this session._');
  }
  lines.push('', '_Costs come from the tokens each provider reported and the catalog prices (or your `switchboard.prices`)._', '');
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}

/** Switchboard: Reset Session Cost. */
export function resetSessionCost(services: Services): void {
  services.costs.resetSession();
  void vscode.window.showInformationMessage('Switchboard: the session cost is back to $0.');
}

/**
 * Switchboard: Show Gateway Token: the local gateway's token, masked, with a button that copies it.
 * Returns where the token comes from and its masked form, never the token.
 */
export async function showGatewayToken(services: Services): Promise<{ source: 'env' | 'file' | 'secret-storage'; masked: string }> {
  const { token, source, path } = await localGatewayToken(services.context.secrets);
  const masked = maskToken(token);
  const origin =
    source === 'env' ? 'from SWITCHBOARD_GATEWAY_TOKEN' : source === 'file' ? `stored in ${path} and VS Code's secret storage` : "kept in VS Code's secret storage only";
  void vscode.window
    .showInformationMessage(
      `Switchboard: the local gateway's token is ${masked} (${origin}). Clients send it as "Authorization: Bearer <token>".`,
      'Copy Token',
    )
    .then(async (choice) => {
      if (!choice) return;
      await vscode.env.clipboard.writeText(token);
      void vscode.window.showInformationMessage('Switchboard: token copied.');
    });
  return { source, masked };
}
