import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPORT_FORMAT, exportFileName, exportJson, exportMarkdown } from '../../src/extension/playground/export';
import { ConversationSchema, type Conversation, type RunStats } from '../../src/shared/playground-protocol';

const stats = (over: Partial<RunStats> = {}): RunStats => ({
  model: 'openai/gpt-5-mini',
  requestedModel: 'openai/gpt-5-mini',
  provider: 'openai',
  ttftMs: 120,
  latencyMs: 1500,
  tokensPerSecond: 42.4,
  inputTokens: 12,
  outputTokens: 58,
  reasoningTokens: 0,
  cost: 0.000125,
  priced: true,
  estimatedUsage: false,
  cacheHit: false,
  finishReason: 'stop',
  attempts: [],
  ...over,
});

const CONVERSATION: Conversation = {
  id: 'c1',
  title: 'Explain monads: a short answer!',
  createdAt: 1,
  updatedAt: 2,
  columns: [
    { id: 'a', model: 'openai/gpt-5-mini' },
    { id: 'b', model: 'anthropic/claude-haiku-4-5' },
  ],
  params: { system: 'Be brief.\nUse examples.', temperature: 0.2, maxTokens: 200, stop: ['END'], output: 'json_schema', jsonSchema: '{"type":"object"}' },
  turns: [
    {
      id: 't1',
      user: { text: 'Explain monads', images: ['data:image/png;base64,AAAA'] },
      replies: {
        a: { runId: 'r1', model: 'openai/gpt-5-mini', status: 'done', text: 'A **monad** is…', stats: stats({ attempts: [{ model: 'x', provider: 'p', outcome: 'error', latencyMs: 1 }, { model: 'y', provider: 'p', outcome: 'ok', latencyMs: 2 }] }), attempts: [] },
        b: { runId: 'r2', model: 'anthropic/claude-haiku-4-5', status: 'error', text: '', error: 'No API key for Anthropic.', attempts: [] },
      },
    },
    {
      id: 't2',
      user: { text: 'Shorter', images: [] },
      replies: { a: { runId: 'r3', model: 'openai/gpt-5-mini', status: 'stopped', text: 'A monad', attempts: [] } },
    },
  ],
};

test('Markdown export holds the settings, every prompt, each model answer and its figures', () => {
  const md = exportMarkdown(CONVERSATION, new Date('2026-01-02T03:04:05Z'));
  const expected = [
    '# Explain monads: a short answer!',
    'Exported from the Switchboard playground on 2026-01-02T03:04:05.000Z. Models: `openai/gpt-5-mini`, `anthropic/claude-haiku-4-5`.',
    '**System prompt**\n\n> Be brief.\n> Use examples.',
    '**Settings:** temperature 0.2 · max tokens 200 · stop "END" · output: JSON schema',
    '**JSON schema**\n\n```json\n{"type":"object"}\n```',
    '## 1. You\n\nExplain monads\n\n_1 image attached._',
    '### `openai/gpt-5-mini`\n\nA **monad** is…\n\n_answered by `openai/gpt-5-mini` · 1.50 s (ttft 120 ms) · 42 tokens/s · 12 in / 58 out tokens · $0.000125 · 2 attempts_',
    '### `anthropic/claude-haiku-4-5`\n\n_Failed: No API key for Anthropic._',
    '## 2. You\n\nShorter',
    '### `openai/gpt-5-mini`\n\nA monad\n\n_Stopped before the end._',
  ];
  let from = 0;
  for (const part of expected) {
    const at = md.indexOf(part, from);
    assert.ok(at >= from, `missing, or out of order:\n${part}\n---\n${md}`);
    from = at + part.length;
  }
  assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
});

test('JSON export is the whole conversation, tagged, and reads back', () => {
  const parsed = JSON.parse(exportJson(CONVERSATION, new Date(0)));
  assert.equal(parsed.format, EXPORT_FORMAT);
  assert.equal(parsed.version, 1);
  assert.equal(parsed.exportedAt, '1970-01-01T00:00:00.000Z');
  assert.deepEqual(ConversationSchema.parse(parsed.conversation), CONVERSATION);
});

test('file names come from the title', () => {
  assert.equal(exportFileName(CONVERSATION, 'markdown'), 'explain-monads-a-short-answer.md');
  assert.equal(exportFileName({ ...CONVERSATION, title: '!!!' }, 'json'), 'conversation.json');
});
