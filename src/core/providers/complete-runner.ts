import type { ChatResult } from '../types';
import { toGatewayError } from './errors';
import type { ClassifyError } from './stream-runner';
import type { ResolvedCall } from './types';

/** What one non-streaming call brought back: the parsed body and the upstream's request id, when it sent one. */
export interface CompleteSource<Body> {
  data: Body;
  requestId?: string;
}

/**
 * Runs one non-streaming call: sends it and parses the answer. Every failure leaves as `CancelledError` or
 * `UpstreamError`; a body that does not parse is `malformed` (`not` names what it should have been).
 */
export async function runComplete<Body>(
  call: ResolvedCall,
  send: () => Promise<CompleteSource<Body>>,
  parse: (data: Body, requestId: string | undefined) => ChatResult | undefined,
  not: string,
  classify: ClassifyError,
): Promise<ChatResult> {
  let requestId: string | undefined;
  try {
    const source = await send();
    requestId = source.requestId;
    const result = parse(source.data, requestId);
    if (result) return result;
  } catch (err) {
    throw toGatewayError(call, classify(err, false), err);
  }
  throw toGatewayError(call, { kind: 'malformed', detail: `the body is not ${not}`, requestId });
}
