import type { CatalogEntry } from './catalog/types';
import type { RequestTicket } from './accounting/ticket';
import type { AttemptRecord, CallOptions, ChatRequest, ChatRequestInput } from './types';

/** One request on its way through the gateway: what its result and its record are built from. */
export class RequestState {
  readonly started = performance.now();
  readonly attempts: AttemptRecord[] = [];
  partialText = '';
  ttftMs: number | undefined;
  request: ChatRequest | undefined;
  requested: CatalogEntry | undefined;
  ticket: RequestTicket | undefined;
  /** Its result or failure was recorded. */
  settled = false;

  constructor(
    readonly streaming: boolean,
    readonly input: ChatRequestInput,
    readonly options: CallOptions,
  ) {}
}
