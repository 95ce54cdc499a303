import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { maskToken, rotateLocalGatewayToken } from '../gateway-token';
import type { LocalGateway } from '../local-gateway';
import type { Services } from '../services';

const ROTATE_CHOICE = 'Rotate';

export interface RotatedGatewayToken {
  /** `file` when both copies hold the new token, `secret-storage` when only the editor's does. */
  source: 'file' | 'secret-storage';
  masked: string;
  /** Whether the editor's gateway was running and now takes the new token. */
  gatewayUpdated: boolean;
}

/**
 * Switchboard: Rotate Gateway Token: after a modal confirmation, replaces the local gateway's token with a new one
 * (file and SecretStorage), switches the editor's running gateway to it, and offers to copy it. Returns undefined
 * when nothing was rotated (cancelled, SWITCHBOARD_GATEWAY_TOKEN set, or neither copy writable), never the token.
 */
export async function rotateGatewayToken(services: Services, localGateway: Pick<LocalGateway, 'useToken'>): Promise<RotatedGatewayToken | undefined> {
  try {
    const { envTokenRotationError } = await import('../../server/token.js');
    const envError = envTokenRotationError(process.env);
    if (envError) throw envError;
    const choice = await vscode.window.showWarningMessage(
      'Rotate the Switchboard gateway token?',
      {
        modal: true,
        detail:
          "A new token replaces the current one for the editor's gateway and `switchboard serve`. " +
          'Clients still sending the old token will be refused until they are given the new one.',
      },
      ROTATE_CHOICE,
    );
    if (choice !== ROTATE_CHOICE) return undefined;

    const { token, source, path } = await rotateLocalGatewayToken(services.context.secrets);
    const gatewayUpdated = await localGateway.useToken(token);
    const masked = maskToken(token);
    const where = source === 'file' ? `in ${path} and VS Code's secret storage` : "in VS Code's secret storage only";
    void vscode.window
      .showInformationMessage(`Switchboard: the new gateway token is ${masked} (${where}). Give it to your clients: the old one is refused.`, 'Copy Token')
      .then(async (picked) => {
        if (!picked) return;
        await vscode.env.clipboard.writeText(token);
        void vscode.window.showInformationMessage('Switchboard: token copied.');
      });
    return { source: source === 'file' ? 'file' : 'secret-storage', masked, gatewayUpdated };
  } catch (err) {
    void vscode.window.showErrorMessage(`Switchboard: could not rotate the gateway token: ${errorMessage(err)}`);
    return undefined;
  }
}
