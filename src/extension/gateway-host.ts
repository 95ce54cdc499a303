import type { Settings } from '../core/config/settings';
import type { Gateway } from '../core/gateway';
import type { KeySource } from '../core/keys';

/**
 * Builds the gateway on first use. The gateway module is imported dynamically, so activating the extension
 * evaluates none of it (nor the catalog, the price data or a provider SDK): esbuild bundles it behind a lazy
 * initializer that runs on the first `get()`.
 */
export class GatewayHost {
  private gateway: Gateway | undefined;
  private loading: Promise<Gateway> | undefined;

  constructor(
    private readonly options: {
      settings: () => Settings;
      keys: KeySource;
      env: Record<string, string | undefined>;
      /** Where the request log and the usage totals are kept. */
      dataDir: string;
      /** The open workspace, for per-workspace totals. */
      workspace?: string;
      /** Runs once, right after the gateway is built: where listeners attach. */
      onCreated: (gateway: Gateway) => void;
    },
  ) {}

  /** True once the gateway module was loaded. */
  get loaded(): boolean {
    return this.gateway !== undefined;
  }

  get(): Promise<Gateway> {
    this.loading ??= import('../core/gateway.js').then(({ Gateway }) => {
      const { keys, env, dataDir, workspace } = this.options;
      const gateway = new Gateway({ settings: this.options.settings(), keys, env, dataDir, workspace, source: 'extension' });
      this.gateway = gateway;
      this.options.onCreated(gateway);
      return gateway;
    });
    return this.loading;
  }

  updateSettings(settings: Settings): void {
    this.gateway?.updateSettings(settings);
  }
}
