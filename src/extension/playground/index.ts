import * as vscode from 'vscode';
import { PLAYGROUND_VIEW_TYPE, PlaygroundController, type PlaygroundDeps } from './panel';

export { PLAYGROUND_VIEW_TYPE, type PlaygroundDeps } from './panel';
export const OPEN_PLAYGROUND_COMMAND = 'switchboard.openPlayground';

/**
 * The playground: the `switchboard.openPlayground` command and the serializer that brings the panel back after a
 * window reload (package.json needs the `onWebviewPanel:switchboard.playground` activation event for it).
 * Push the returned disposable into `context.subscriptions`.
 */
export function registerPlayground(context: vscode.ExtensionContext, deps: PlaygroundDeps): vscode.Disposable {
  const controller = new PlaygroundController(context, deps);
  return vscode.Disposable.from(
    controller,
    vscode.commands.registerCommand(OPEN_PLAYGROUND_COMMAND, () => {
      controller.open();
    }),
    vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => controller.restore(panel),
    }),
  );
}
