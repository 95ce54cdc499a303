import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toRecord, type RecordInput } from '../../src/core/log/record';
import { createRedactor } from '../../src/core/log/redact';
import { OtlpExporter } from '../../src/core/telemetry/otlp';
import type { GatewayResult } from '../../src/core/types';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- OTLP JSON, inspected field by field
}

/** A minimal OTLP/HTTP JSON receiver: records every POST, answers with `status`. */
class Receiver {
  readonly received: Received[] = [];
  status = 200;
  private server!: Server;
  private waiters: (() => void)[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitFor(count: number, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${count} exports arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  reset(): void {
    this.received.length = 0;
    this.status = 200;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // fetch keeps connections alive; without this the server would wait for them to time out.
    this.server.closeAllConnections();
    return closed;
  }
}

const receiver = new Receiver();
before(() => receiver.start());
after(() => receiver.close());

const KEY = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678';
const redactor = createRedactor({ knownSecrets: [KEY] });

const result: GatewayResult = {
  text: 'Paris.',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 1200, cachedInputTokens: 1000, cacheWriteTokens: 0, outputTokens: 3, reasoningTokens: 0 },
  requestId: 'chatcmpl-1',
  requestedModel: 'openai/gpt-5-mini',
  model: 'openai/gpt-5-mini',
  provider: 'openai',
  upstreamModel: 'gpt-5-mini-2025-08-07',
  cost: { total: 0.0004, input: 0.0003, cachedInput: 0.00005, cacheWrite: 0, output: 0.00005, reasoning: 0, priced: true },
  latencyMs: 1500,
  ttftMs: 400,
  attempts: [{ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'ok', latencyMs: 1500 }],
  cacheHit: false,
};

const okInput: RecordInput = {
  request: { model: 'openai/gpt-5-mini', system: 'Answer in one word.', messages: [{ role: 'user', content: `Capital of France? My key is ${KEY}` }], temperature: 1, maxTokens: 64 },
  result,
  startedAt: new Date('2025-03-10T12:00:00.000Z'),
  source: 'cli',
};

const failedInput: RecordInput = {
  request: { model: 'xai/grok-4', messages: [{ role: 'user', content: 'hi' }] },
  error: new Error('xAI returned 429: slow down'),
  attempts: [{ model: 'xai/grok-4', provider: 'xai', outcome: 'error', status: 429, latencyMs: 80, error: 'xAI returned 429: slow down' }],
  latencyMs: 80,
  source: 'server',
};

const attrs = (kvs: { key: string; value: Record<string, unknown> }[]): Record<string, unknown> =>
  Object.fromEntries(kvs.map((kv) => [kv.key, Object.values(kv.value)[0]]));

test('each request becomes one GenAI span, sent in batches to /v1/traces, with metrics to /v1/metrics', async () => {
  receiver.reset();
  const exporter = new OtlpExporter({ endpoint: `${receiver.url}/`, level: 'metadata', maxBatch: 2, flushIntervalMs: 60_000, serviceVersion: '0.1.0', headers: { 'x-team': 'sb' } });
  // A record built at full must still not carry contents when the exporter is at metadata.
  exporter.record({ record: toRecord(okInput, { level: 'full', redactor })!, params: okInput.request, upstreamModel: result.upstreamModel });
  exporter.record({ record: toRecord(failedInput, { level: 'metadata', redactor })! });
  exporter.record({ record: toRecord({ ...okInput, id: 'third' }, { level: 'metadata', redactor })!, params: okInput.request, upstreamModel: result.upstreamModel });
  await exporter.flush();
  await exporter.shutdown();

  const traces = receiver.received.filter((r) => r.path === '/v1/traces');
  const metrics = receiver.received.filter((r) => r.path === '/v1/metrics');
  assert.equal(traces.length, 2, 'a full batch of 2, then the rest');
  assert.equal(metrics.length, 1);
  for (const r of receiver.received) {
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-team'], 'sb');
  }

  const resource = attrs(traces[0].body.resourceSpans[0].resource.attributes);
  assert.deepEqual(resource, { 'service.name': 'switchboard', 'service.version': '0.1.0' });
  assert.deepEqual(traces[0].body.resourceSpans[0].scopeSpans[0].scope, { name: 'switchboard', version: '0.1.0' });
  const spans = traces.flatMap((t) => t.body.resourceSpans[0].scopeSpans[0].spans);
  assert.equal(spans.length, 3);

  const [ok, failed] = spans;
  assert.match(ok.traceId, /^[0-9a-f]{32}$/);
  assert.match(ok.spanId, /^[0-9a-f]{16}$/);
  assert.equal(ok.name, 'chat gpt-5-mini');
  assert.equal(ok.kind, 3);
  assert.equal(ok.startTimeUnixNano, '1741608000000000000');
  assert.equal(BigInt(ok.endTimeUnixNano) - BigInt(ok.startTimeUnixNano), 1_500_000_000n);
  assert.equal(ok.status, undefined);
  const a = attrs(ok.attributes);
  assert.equal(a['gen_ai.operation.name'], 'chat');
  assert.equal(a['gen_ai.provider.name'], 'openai');
  assert.equal(a['gen_ai.request.model'], 'gpt-5-mini');
  assert.equal(a['gen_ai.response.model'], 'gpt-5-mini-2025-08-07');
  assert.equal(a['gen_ai.response.id'], 'chatcmpl-1');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'stop' }] });
  assert.equal(a['gen_ai.usage.input_tokens'], '1200');
  assert.equal(a['gen_ai.usage.output_tokens'], '3');
  assert.equal(a['gen_ai.usage.cache_read.input_tokens'], '1000');
  assert.equal(a['gen_ai.request.temperature'], 1);
  assert.equal(ok.attributes.find((kv: { key: string }) => kv.key === 'gen_ai.request.temperature').value.doubleValue, 1);
  assert.equal(a['gen_ai.request.max_tokens'], '64');
  assert.equal(a['switchboard.cost_usd'], 0.0004);
  assert.equal(a['switchboard.request.model'], 'openai/gpt-5-mini');
  for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions']) assert.equal(a[key], undefined, key);
  assert.ok(!JSON.stringify(receiver.received).includes('France'), 'no prompt text at metadata');

  assert.equal(failed.name, 'chat grok-4');
  assert.deepEqual(failed.status, { code: 2, message: 'xAI returned 429: slow down' });
  const f = attrs(failed.attributes);
  assert.equal(f['gen_ai.provider.name'], 'x_ai');
  assert.equal(f['error.type'], '429');
  assert.equal(f['gen_ai.response.model'], undefined);

  const sent = metrics[0].body.resourceMetrics[0].scopeMetrics[0].metrics;
  const byName = Object.fromEntries(sent.map((m: { name: string }) => [m.name, m]));
  assert.deepEqual(Object.keys(byName).sort(), ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'switchboard.cost', 'switchboard.requests']);
  const usage = byName['gen_ai.client.token.usage'];
  assert.equal(usage.unit, '{token}');
  assert.equal(usage.histogram.aggregationTemporality, 2);
  const inputPoint = usage.histogram.dataPoints.find(
    (p: { attributes: { key: string; value: { stringValue?: string } }[] }) =>
      attrs(p.attributes)['gen_ai.token.type'] === 'input' && attrs(p.attributes)['gen_ai.provider.name'] === 'openai',
  );
  assert.equal(inputPoint.count, '2');
  assert.equal(inputPoint.sum, 2400);
  assert.equal(inputPoint.bucketCounts.reduce((s: number, c: string) => s + Number(c), 0), 2);
  assert.equal(inputPoint.explicitBounds.length + 1, inputPoint.bucketCounts.length);
  const duration = byName['gen_ai.client.operation.duration'];
  assert.equal(duration.unit, 's');
  const errPoint = duration.histogram.dataPoints.find((p: { attributes: { key: string; value: { stringValue?: string } }[] }) => attrs(p.attributes)['error.type'] === '429');
  assert.equal(errPoint.sum, 0.08);
  const cost = byName['switchboard.cost'];
  assert.equal(cost.sum.isMonotonic, true);
  const total = cost.sum.dataPoints.reduce((s: number, p: { asDouble: number }) => s + p.asDouble, 0);
  assert.ok(Math.abs(total - 0.0008) < 1e-12);
});

test("prompts are exported only at level 'full', redacted", async () => {
  receiver.reset();
  const exporter = new OtlpExporter({ endpoint: receiver.url, level: 'full', flushIntervalMs: 60_000 });
  exporter.record({ record: toRecord(okInput, { level: 'full', redactor })!, params: okInput.request });
  await exporter.shutdown();
  const span = receiver.received.find((r) => r.path === '/v1/traces')!.body.resourceSpans[0].scopeSpans[0].spans[0];
  const a = attrs(span.attributes);
  const input = JSON.parse(a['gen_ai.input.messages'] as string);
  assert.equal(input[0].role, 'user');
  assert.match(input[0].parts[0].content, /^Capital of France\? My key is \[REDACTED\]$/);
  assert.deepEqual(JSON.parse(a['gen_ai.system_instructions'] as string), [{ type: 'text', content: 'Answer in one word.' }]);
  assert.deepEqual(JSON.parse(a['gen_ai.output.messages'] as string)[0].parts, [{ type: 'text', content: 'Paris.' }]);
  assert.ok(!JSON.stringify(receiver.received).includes(KEY.slice(10)));
});

test('a partial batch is sent by the timer, without an explicit flush', async () => {
  receiver.reset();
  const exporter = new OtlpExporter({ endpoint: receiver.url, level: 'metadata', flushIntervalMs: 20 });
  exporter.record({ record: toRecord(okInput, { level: 'metadata', redactor })! });
  await receiver.waitFor(2);
  assert.deepEqual(receiver.received.map((r) => r.path).sort(), ['/v1/metrics', '/v1/traces']);
  assert.equal(exporter.stats.exportedSpans, 1);
  await exporter.shutdown();
});

test('a failing collector is reported once, never thrown, and the next success resets it', async () => {
  receiver.reset();
  receiver.status = 503;
  const errors: string[] = [];
  const exporter = new OtlpExporter({ endpoint: receiver.url, level: 'metadata', flushIntervalMs: 60_000, onError: (m) => errors.push(m) });
  const record = toRecord(okInput, { level: 'metadata', redactor })!;
  exporter.record({ record });
  await exporter.flush();
  exporter.record({ record });
  await exporter.flush();
  assert.equal(errors.length, 1);
  assert.match(errors[0], new RegExp(`^Telemetry export to ${receiver.url}/v1/traces failed: HTTP 503 .*requests continue\\.$`));
  assert.equal(exporter.stats.droppedSpans, 2);
  receiver.status = 200;
  exporter.record({ record });
  await exporter.flush();
  assert.equal(exporter.stats.exportedSpans, 1);
  receiver.status = 503;
  exporter.record({ record });
  await exporter.flush();
  assert.equal(errors.length, 2);
  await exporter.shutdown();
});

test('an unreachable collector does not hold up or fail the caller', async () => {
  const errors: string[] = [];
  // A port nothing listens on: the receiver's, after a moment's use by a closed server.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const exporter = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, level: 'metadata', flushIntervalMs: 60_000, timeoutMs: 2000, onError: (m) => errors.push(m) });
  const started = performance.now();
  exporter.record({ record: toRecord(okInput, { level: 'metadata', redactor })! });
  assert.ok(performance.now() - started < 50, 'record() only queues');
  await exporter.shutdown();
  assert.equal(errors.length, 1);
  assert.match(errors[0], /Telemetry export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed/);
});
