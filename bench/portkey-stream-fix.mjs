/* global Response */
// Preloaded into the Portkey gateway process by bench/gateway-overhead.ts (node --import).
//
// @portkey-ai/gateway 1.15.2 on Node 20 answers every streaming request with 500 "Something went wrong": it appends
// headers to the upstream's fetch Response, whose headers are immutable ("TypeError: immutable", Portkey-AI/gateway
// issues #1389 and #1550). Portkey's own fix (pull request #1551) re-wraps streaming responses in a new Response
// before touching their headers; this does the same one step earlier, for event streams only.
const upstreamFetch = globalThis.fetch;

globalThis.fetch = async (...args) => {
  const response = await upstreamFetch(...args);
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
