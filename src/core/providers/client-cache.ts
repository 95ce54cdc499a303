/** What identifies an SDK client: calls that agree on these can share one client and its connections. */
export interface ClientKey {
  baseURL: string;
  apiKey?: string;
  /** How the key is sent, for SDKs that can send it more than one way. */
  auth?: string;
  headers: Record<string, string>;
}

/**
 * SDK clients, one per (base URL, key, headers), so repeated calls reuse a client instead of building one per call.
 * Bounded: the least recently used client goes when a new one would exceed `max`.
 */
export class ClientCache<Client> {
  private readonly clients = new Map<string, Client>();
  /**
   * The last client per headers object: the gateway reuses one headers object per provider endpoint, so a call
   * usually finds its client here without building its key. An entry lives as long as its headers object.
   */
  private readonly recent = new WeakMap<Record<string, string>, { key: ClientKey; client: Client }>();

  constructor(
    private readonly create: (key: ClientKey) => Client,
    private readonly max = 32,
  ) {}

  get(key: ClientKey): Client {
    const recent = this.recent.get(key.headers);
    if (recent && recent.key.baseURL === key.baseURL && recent.key.apiKey === key.apiKey && recent.key.auth === key.auth) return recent.client;
    const client = this.lookup(key);
    this.recent.set(key.headers, { key: { baseURL: key.baseURL, apiKey: key.apiKey, auth: key.auth, headers: key.headers }, client });
    return client;
  }

  private lookup(key: ClientKey): Client {
    // Joined rather than JSON-encoded: this runs on every call. No URL, key, auth style or header holds a NUL.
    const id = `${key.baseURL}\0${key.apiKey ?? '\u0001'}\0${key.auth ?? ''}\0${headersId(key.headers)}`;
    let client = this.clients.get(id);
    if (client) {
      this.clients.delete(id);
    } else {
      client = this.create(key);
      if (this.clients.size >= this.max) this.clients.delete(this.clients.keys().next().value!);
    }
    this.clients.set(id, client);
    return client;
  }

  get size(): number {
    return this.clients.size;
  }
}

/** Headers objects are reused across calls (see Gateway.endpointOf), so each is serialized once. */
const headerIds = new WeakMap<Record<string, string>, string>();

function headersId(headers: Record<string, string>): string {
  let id = headerIds.get(headers);
  if (id === undefined) {
    id = JSON.stringify(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    headerIds.set(headers, id);
  }
  return id;
}

/** The gateway owns timeouts; the SDKs get one long enough never to fire first (and below setTimeout's 2^31 ms cap). */
export const SDK_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Stands in for a key where a server needs none, so the SDKs never look for one in env vars or config files. */
export const NO_KEY = 'switchboard-no-key';
