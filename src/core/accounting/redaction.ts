import type { Catalog } from '../catalog/catalog';
import type { Settings } from '../config/settings';
import { CLOUDFLARE_GATEWAY_KEY, type KeySource } from '../keys';
import { createRedactor, type Redactor } from '../log/redact';
import type { SettingsWarning } from '../config/settings';

/**
 * The redactor for a finished request: the built-in patterns, the user's `logging.redactPatterns`, and the keys
 * in use for the providers the request touched (plus the Cloudflare gateway token when that is on), asked from the
 * key source each time so that a key set a moment ago is covered. The last redactor is reused while its inputs
 * are unchanged.
 */
export class RedactionSource {
  private last: { signature: string; redactor: Redactor } | undefined;
  private warnedPatterns: string | undefined;

  constructor(
    private readonly keys: KeySource,
    private readonly onPatternWarnings: (warnings: readonly SettingsWarning[]) => void,
  ) {}

  async redactorFor(providerIds: Iterable<string>, catalog: Catalog, settings: Settings): Promise<Redactor> {
    const definitions = [...new Set(providerIds)].map((id) => catalog.provider(id)).filter((p) => p !== undefined);
    if (settings.cloudflareGateway) definitions.push(CLOUDFLARE_GATEWAY_KEY);
    const secrets = await Promise.all(definitions.map((p) => this.keys.getKey(p).catch(() => undefined)));
    const known = secrets.filter((s): s is string => !!s).sort();
    const patterns = settings['logging.redactPatterns'];
    const signature = JSON.stringify([known, patterns]);
    if (this.last?.signature !== signature) {
      this.last = { signature, redactor: createRedactor({ knownSecrets: known, userPatterns: patterns }) };
      const patternSignature = JSON.stringify(patterns);
      if (this.last.redactor.warnings.length && this.warnedPatterns !== patternSignature) {
        this.warnedPatterns = patternSignature;
        this.onPatternWarnings(this.last.redactor.warnings);
      }
    }
    return this.last.redactor;
  }
}
