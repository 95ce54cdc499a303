import * as vscode from 'vscode';
import { MissingKeyError, UnknownModelError, UpstreamError, errorMessage } from '../../core/errors';

/** Shows a failed request's message with the command that fixes it, when there is one: a key, or another model. */
export function showRequestError(err: unknown, providerId?: string): void {
  const message = `Switchboard: ${errorMessage(err)}`;
  if (err instanceof MissingKeyError) {
    void vscode.window.showErrorMessage(message, 'Set API Key').then((choice) => {
      if (choice) void vscode.commands.executeCommand('switchboard.setApiKey', providerId ? { provider: providerId } : undefined);
    });
  } else if (err instanceof UnknownModelError || (err instanceof UpstreamError && err.code === 'model_retired')) {
    offerSwitchModel(vscode.window.showErrorMessage, message);
  } else {
    void vscode.window.showErrorMessage(message);
  }
}

/** Shows `message` with a Switch Model button, which runs that command. */
export function offerSwitchModel(show: (message: string, ...items: string[]) => Thenable<string | undefined>, message: string): void {
  void show(message, 'Switch Model').then((choice) => {
    if (choice) void vscode.commands.executeCommand('switchboard.switchModel');
  });
}
