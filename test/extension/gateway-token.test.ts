// Show Gateway Token: the local gateway's token (shared with `switchboard serve`), shown masked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { maskToken } from '../../src/extension/gateway-token';

describe('Switchboard local gateway token', () => {
  it('Show Gateway Token reports SWITCHBOARD_GATEWAY_TOKEN, masked', async () => {
    const previous = process.env.SWITCHBOARD_GATEWAY_TOKEN;
    process.env.SWITCHBOARD_GATEWAY_TOKEN = 'sb-extension-test-token-1234';
    try {
      const shown = await vscode.commands.executeCommand<{ source: string; masked: string }>('switchboard.showGatewayToken');
      assert.deepEqual(shown, { source: 'env', masked: 'sb-ext…1234' });
    } finally {
      if (previous === undefined) delete process.env.SWITCHBOARD_GATEWAY_TOKEN;
      else process.env.SWITCHBOARD_GATEWAY_TOKEN = previous;
    }
  });

  it('masks tokens for display', () => {
    assert.equal(maskToken('sb-abcdefghijklmnopqrstuvwxyz0123456789'), 'sb-abc…6789');
    assert.equal(maskToken('short'), '…');
  });
});
