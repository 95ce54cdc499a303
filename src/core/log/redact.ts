import type { SettingsWarning } from '../config/settings';

/**
 * Removes secrets from anything about to be written (request log, telemetry). Three sources:
 * - built-in patterns for provider API keys, bearer tokens and authorization headers, and long high-entropy
 *   values right after a word such as key, token or secret;
 * - the keys actually in use ("known secrets"), replaced wherever they appear, exactly;
 * - the user's own patterns from `switchboard.logging.redactPatterns`.
 */

export const REDACTED = '[REDACTED]';

const REDACT_PATTERNS_SETTING = 'switchboard.logging.redactPatterns';

/** Known secrets shorter than this are not replaced: a 3-letter "key" would blank out ordinary words. */
const MIN_KNOWN_SECRET_LENGTH = 8;

interface BuiltinPattern {
  name: string;
  regex: RegExp;
  /** Returns the replacement for one match, or the match itself to keep it. */
  replace: (match: string, ...groups: string[]) => string;
}

const hasLetterAndDigit = (s: string): boolean => /[A-Za-z]/.test(s) && /[0-9]/.test(s);

/** Shannon entropy in bits per character. Random keys score about 4.5 and more; words and paths score lower. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const looksRandom = (s: string): boolean => s.length >= 20 && hasLetterAndDigit(s) && entropy(s) >= 3.5;

/** Keeps a match unless its key part looks like a real key (letters and digits), so that prose like "sk-learn" survives. */
const keyLike = (match: string): string => (hasLetterAndDigit(match) ? REDACTED : match);

// Every pattern starts with a literal, and none nests quantifiers, so each runs in linear time on long input.
const BUILTIN_PATTERNS: BuiltinPattern[] = [
  // OpenAI (sk-..., sk-proj-..., sk-svcacct-...), Anthropic (sk-ant-...), OpenRouter (sk-or-v1-...), DeepSeek (sk-...).
  { name: 'sk-key', regex: /\bsk-[A-Za-z0-9_-]{16,}/g, replace: keyLike },
  { name: 'google', regex: /\bAIza[0-9A-Za-z_-]{35}/g, replace: () => REDACTED },
  { name: 'groq', regex: /\bgsk_[A-Za-z0-9]{20,}/g, replace: keyLike },
  { name: 'xai', regex: /\bxai-[A-Za-z0-9]{20,}/g, replace: keyLike },
  { name: 'huggingface', regex: /\bhf_[A-Za-z0-9]{30,}/g, replace: keyLike },
  { name: 'github', regex: /\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{30,}/g, replace: () => REDACTED },
  { name: 'aws-access-key', regex: /\bAKIA[0-9A-Z]{16}\b/g, replace: () => REDACTED },
  {
    name: 'authorization-header',
    regex: /\b(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cf-aig-authorization)(["']?\s{0,3}[:=]\s{0,3}["']?)(?:(Bearer|Basic|Token)\s+)?([^\s"',;}]{6,})/gi,
    replace: (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  {
    name: 'bearer',
    regex: /\b(Bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, prefix: string) => `${prefix}${REDACTED}`,
  },
  {
    name: 'secret-after-keyword',
    regex:
      /(key|token|secret|passw(?:or)?d|credential|auth)(s?["']?(?:\s{0,3}(?:[:=]|=>)\s{0,3}|\s{1,3}(?:is\s{1,3})?)["']?)([A-Za-z0-9_\-+/=.]{20,})/gi,
    replace: (match, word: string, sep: string, value: string) => (looksRandom(value) ? `${word}${sep}${REDACTED}` : match),
  },
];

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a user pattern: plain source (`sk_live_[a-z0-9]+`) or a literal with flags (`/secret-\d+/i`). */
function compileUserPattern(pattern: string): RegExp {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  const source = literal ? literal[1] : pattern;
  const flags = new Set(literal ? literal[2] : '');
  flags.add('g');
  const regex = new RegExp(source, [...flags].join(''));
  if (regex.test('')) throw new Error('it matches the empty string');
  regex.lastIndex = 0;
  return regex;
}

export interface RedactorOptions {
  /** The keys in use: replaced wherever they appear. */
  knownSecrets?: Iterable<string | undefined>;
  /** `switchboard.logging.redactPatterns`. */
  userPatterns?: readonly string[];
}

export interface Redactor {
  /** One string, with every secret replaced by `[REDACTED]`. */
  redactString(text: string): string;
  /** A deep copy of a JSON-like value with every string redacted (object keys are kept). */
  redact<T>(value: T): T;
  /** One warning per user pattern that could not be used; each names the setting. */
  readonly warnings: readonly SettingsWarning[];
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const warnings: SettingsWarning[] = [];
  const userPatterns: RegExp[] = [];
  for (const pattern of options.userPatterns ?? []) {
    try {
      userPatterns.push(compileUserPattern(pattern));
    } catch (err) {
      warnings.push({
        setting: REDACT_PATTERNS_SETTING,
        message: `Ignoring the pattern ${JSON.stringify(pattern)} in ${REDACT_PATTERNS_SETTING}: ${(err as Error).message}.`,
      });
    }
  }

  const secrets = [...new Set([...(options.knownSecrets ?? [])].map((s) => s?.trim() ?? ''))]
    .filter((s) => s.length >= MIN_KNOWN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const knownSecrets = secrets.length ? new RegExp(secrets.map(escapeRegExp).join('|'), 'g') : undefined;

  const redactString = (text: string): string => {
    let out = knownSecrets ? text.replace(knownSecrets, REDACTED) : text;
    for (const { regex, replace } of BUILTIN_PATTERNS) out = out.replace(regex, replace as (m: string, ...g: string[]) => string);
    for (const regex of userPatterns) out = out.replace(regex, REDACTED);
    return out;
  };

  const redactValue = (value: unknown): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (Array.isArray(value)) return value.map(redactValue);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
      return out;
    }
    return value;
  };

  return { redactString, redact: <T>(value: T) => redactValue(value) as T, warnings };
}
