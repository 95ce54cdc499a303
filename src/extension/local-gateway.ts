import * as vscode from 'vscode';
import type { RunningServer } from '../server/server';
import { localGatewayToken } from './gateway-token';
import type { Services } from './services';

export interface StartGatewayArgs {
  /** Skip the notification (tests, scripted use). */
  quiet?: boolean;
}

/**
 * "Switchboard: Start Local Gateway": the OpenAI- and Anthropic-compatible REST gateway, served from the extension
 * host on `switchboard.gateway.host`/`port` with the shared bearer token. Running it again shows where it is and
 * offers to stop it. The server module loads only when the command runs.
 */
export class LocalGateway implements vscode.Disposable {
  private server: RunningServer | undefined;
  private starting: Promise<RunningServer> | undefined;

  constructor(private readonly services: Services) {}

  /** The running gateway's base URL (e.g. `http://127.0.0.1:4141`, without `/v1`); undefined when it is not running. */
  get url(): string | undefined {
    return this.server?.url;
  }

  async start(args: StartGatewayArgs = {}): Promise<{ url: string } | undefined> {
    if (this.server) {
      if (!args.quiet) void this.offerStop(this.server.url);
      return { url: this.server.url };
    }
    this.starting ??= this.launch().finally(() => (this.starting = undefined));
    const server = await this.starting;
    if (!args.quiet) void this.announce(server.url);
    return { url: server.url };
  }

  /**
   * Makes the running gateway (or the one starting) accept only `token` from now on, e.g. after a rotation.
   * Resolves to whether a gateway was running to take it.
   */
  async useToken(token: string): Promise<boolean> {
    const server = this.server ?? (await this.starting?.catch(() => undefined));
    server?.setToken(token);
    return server !== undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  dispose(): void {
    void this.stop();
  }

  private async launch(): Promise<RunningServer> {
    const settings = this.services.settings.current;
    const [gateway, token, { startServer }] = await Promise.all([
      this.services.gateway.get(),
      localGatewayToken(this.services.context.secrets),
      import('../server/server.js'),
    ]);
    this.server = await startServer({
      gateway,
      token: token.token,
      // Follow the file, as `switchboard serve` does, when it holds the token: `switchboard token --rotate` applies here too.
      tokenFile: token.source === 'file' ? token.path : undefined,
      host: settings['gateway.host'],
      port: settings['gateway.port'],
    });
    return this.server;
  }

  private async announce(url: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(
      `Switchboard gateway listening on ${url}/v1 (OpenAI: /v1/chat/completions, Anthropic: /v1/messages).`,
      'Copy URL',
      'Show Token',
      'Stop',
    );
    if (choice === 'Copy URL') await vscode.env.clipboard.writeText(`${url}/v1`);
    else if (choice === 'Show Token') await vscode.commands.executeCommand('switchboard.showGatewayToken');
    else if (choice === 'Stop') await this.stop();
  }

  private async offerStop(url: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(`The Switchboard gateway is running on ${url}/v1.`, 'Stop', 'Copy URL');
    if (choice === 'Stop') await this.stop();
    else if (choice === 'Copy URL') await vscode.env.clipboard.writeText(`${url}/v1`);
  }
}
