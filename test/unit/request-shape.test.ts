import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommonRequest } from '../../src/core/request-shape';
import { ChatRequestSchema } from '../../src/core/types';

/** JSON that keeps key order and tells a key given as undefined from a missing one. */
const exact = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v));

/** The shortcut either declines or gives exactly what the schema gives. Returns whether it answered. */
function agrees(input: unknown): boolean {
  const fast = parseCommonRequest(input);
  const schema = ChatRequestSchema.safeParse(input);
  if (fast === undefined) return false;
  assert.ok(schema.success, `the shortcut accepted what the schema rejects: ${exact(input)}`);
  assert.equal(exact(fast), exact(schema.data), `for ${exact(input)}`);
  return true;
}

const BASE = { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] };

describe('parseCommonRequest', () => {
  test('answers the common shapes exactly as the schema does, in new objects', () => {
    const common: unknown[] = [
      BASE,
      { ...BASE, system: 'Be brief.', temperature: 0.2, topP: 1, maxTokens: 64, stream: true },
      { stream: false, maxTokens: 1, messages: [{ content: 'a', role: 'user' }, { role: 'assistant', content: '' }, { role: 'user', content: 'b' }], model: 'm' },
      { ...BASE, system: undefined, temperature: undefined, topP: undefined, maxTokens: undefined, stream: undefined },
      { ...BASE, temperature: 0 },
      { ...BASE, temperature: -0 },
      { ...BASE, temperature: 2 },
      { ...BASE, maxTokens: Number.MAX_SAFE_INTEGER },
      Object.assign(Object.create(null), BASE),
    ];
    for (const input of common) {
      assert.ok(agrees(input), `declined ${exact(input)}`);
      const parsed = parseCommonRequest(input)!;
      assert.notEqual(parsed, input);
      assert.notEqual(parsed.messages, (input as typeof BASE).messages);
      assert.notEqual(parsed.messages[0], (input as typeof BASE).messages[0]);
    }
  });

  test('declines everything else, so that the schema accepts it or explains what is wrong', () => {
    const others: unknown[] = [
      undefined,
      null,
      'openai/gpt-5-mini',
      [BASE],
      new (class Request { model = 'm'; messages = [{ role: 'user', content: 'x' }]; })(),
      { ...BASE, extra: 1 },
      { ...BASE, stop: ['\n'] },
      { ...BASE, metadata: { run: '1' } },
      { ...BASE, tools: [{ name: 't' }] },
      { ...BASE, toolChoice: 'auto' },
      { ...BASE, responseFormat: { type: 'json_object' } },
      { ...BASE, model: '' },
      { ...BASE, model: 7 },
      { ...BASE, system: 3 },
      { ...BASE, messages: [] },
      { ...BASE, messages: 'Hi' },
      { ...BASE, messages: [{ role: 'system', content: 'x' }] },
      { ...BASE, messages: [{ role: 'tool', toolCallId: 'c', content: 'x' }] },
      { ...BASE, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] },
      { ...BASE, messages: [{ role: 'assistant', content: 'x', toolCalls: [] }] },
      { ...BASE, messages: [{ role: 'assistant', content: 'x', toolCalls: undefined }] },
      { ...BASE, messages: [{ role: 'user', content: 'x', name: 'n' }] },
      { ...BASE, messages: [null] },
      // eslint-disable-next-line no-sparse-arrays
      { ...BASE, messages: [, { role: 'user', content: 'x' }] },
      { ...BASE, temperature: 2.0001 },
      { ...BASE, temperature: -0.1 },
      { ...BASE, temperature: Number.NaN },
      { ...BASE, temperature: '0.5' },
      { ...BASE, topP: 0 },
      { ...BASE, topP: 1.5 },
      { ...BASE, topP: Number.POSITIVE_INFINITY },
      { ...BASE, maxTokens: 0 },
      { ...BASE, maxTokens: 1.5 },
      { ...BASE, maxTokens: 2 ** 60 },
      { ...BASE, maxTokens: '64' },
      { ...BASE, stream: 'yes' },
      JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"model":"other"}}'),
    ];
    for (const input of others) assert.equal(parseCommonRequest(input), undefined, `answered ${exact(input)}`);
  });

  test('agrees with the schema on every request built from a grid of valid and invalid values', () => {
    const values = {
      model: ['m', '', undefined, 1],
      system: [undefined, 'sys', '', 2],
      temperature: [undefined, 0, 1.5, 2, 2.5, -1, Number.NaN],
      topP: [undefined, 0.5, 1, 0, 1.1],
      maxTokens: [undefined, 1, 64, 0, -3, 2.5],
      stream: [undefined, true, false, 0],
      messages: [
        [{ role: 'user', content: 'x' }],
        [{ role: 'assistant', content: 'y' }, { role: 'user', content: 'z' }],
        [],
        [{ role: 'user' }],
        [{ role: 'user', content: 'x', extra: true }],
      ],
    };
    let answered = 0;
    let total = 0;
    const keys = Object.keys(values) as (keyof typeof values)[];
    const build = (index: number, partial: Record<string, unknown>): void => {
      if (index === keys.length) {
        total++;
        if (agrees(partial)) answered++;
        const schema = ChatRequestSchema.safeParse(partial);
        // Every request the schema accepts whose values are all in the shortcut's domain is one it answers.
        if (schema.success && !('extra' in (partial.messages as object[])[0]!)) assert.ok(parseCommonRequest(partial), `declined ${exact(partial)}`);
        return;
      }
      const key = keys[index]!;
      for (const value of values[key]) build(index + 1, value === undefined && key !== 'model' ? { ...partial } : { ...partial, [key]: value });
    };
    build(0, {});
    assert.ok(answered > 100 && answered < total, `${answered} of ${total} answered`);
  });
});
