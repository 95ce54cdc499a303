import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chatCompletionBody, snippet, TOKEN_ENV } from '../../src/extension/playground/snippets';
import { parseWebviewMessage, type RunRequest } from '../../src/shared/playground-protocol';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const REQUEST: RunRequest = {
  model: 'openai/gpt-5-mini',
  system: 'Be brief.',
  messages: [
    { role: 'user', content: 'First' },
    { role: 'assistant', content: "It's one." },
    { role: 'user', content: [{ type: 'text', text: 'And this?' }, { type: 'image', url: PNG }] },
  ],
  temperature: 0.2,
  topP: 0.9,
  maxTokens: 100,
  stop: ['END'],
  responseFormat: { type: 'json_schema', name: 'response', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, additionalProperties: false } },
};

const EXPECTED_BODY = {
  model: 'openai/gpt-5-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'First' },
    { role: 'assistant', content: "It's one." },
    { role: 'user', content: [{ type: 'text', text: 'And this?' }, { type: 'image_url', image_url: { url: PNG } }] },
  ],
  temperature: 0.2,
  top_p: 0.9,
  max_tokens: 100,
  stop: ['END'],
  response_format: { type: 'json_schema', json_schema: { name: 'response', schema: REQUEST.responseFormat!.type === 'json_schema' ? REQUEST.responseFormat!.schema : {} } },
};

test('the request becomes an OpenAI Chat Completions body', () => {
  assert.deepEqual(chatCompletionBody(REQUEST), EXPECTED_BODY);
  assert.deepEqual(chatCompletionBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }], responseFormat: { type: 'json_object' } }), {
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    response_format: { type: 'json_object' },
  });
});

test('curl posts the body through stdin to the local gateway, with the token from the environment', () => {
  const text = snippet('curl', REQUEST, 'http://127.0.0.1:4141/');
  assert.match(text, /^curl -sS http:\/\/127\.0\.0\.1:4141\/v1\/chat\/completions \\$/m);
  assert.match(text, new RegExp(`-H "Authorization: Bearer \\$${TOKEN_ENV}"`));
  const body = text.slice(text.indexOf("<<'JSON'\n") + 8, text.lastIndexOf('\nJSON'));
  assert.deepEqual(JSON.parse(body), EXPECTED_BODY);
});

test('curl runs as written in sh, sending exactly the body', (t) => {
  const sh = spawnSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' });
  if (sh.status !== 0) return t.skip('no sh');
  // A stand-in `curl` that prints its stdin shows what the real one would send.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-snippet-'));
  try {
    fs.writeFileSync(path.join(dir, 'curl'), '#!/bin/sh\ncat\n', { mode: 0o755 });
    const out = spawnSync('sh', ['-c', snippet('curl', REQUEST, 'http://127.0.0.1:4141')], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), EXPECTED_BODY);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Node snippet is valid JavaScript for the openai SDK', () => {
  const text = snippet('node', REQUEST, 'http://localhost:9000');
  assert.match(text, /new OpenAI\(\{ baseURL: 'http:\/\/localhost:9000\/v1', apiKey: process\.env\.SWITCHBOARD_GATEWAY_TOKEN \}\)/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-snippet-'));
  try {
    const file = path.join(dir, 'snippet.mjs');
    fs.writeFileSync(file, text);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const body = text.slice(text.indexOf('create(') + 7, text.lastIndexOf(');\nconsole.log'));
  assert.deepEqual(JSON.parse(body), EXPECTED_BODY);
});

test('the Python snippet is valid Python whose literal is the body', (t) => {
  const text = snippet('python', { ...REQUEST, responseFormat: { type: 'json_schema', name: 'response', schema: { a: true, b: false, c: null }, strict: true } }, 'http://127.0.0.1:4141');
  assert.match(text, /api_key=os\.environ\["SWITCHBOARD_GATEWAY_TOKEN"\]/);
  const python = spawnSync('python3', ['-c', 'import ast,json,sys; src=sys.stdin.read(); ast.parse(src); lit=src[src.index("create(**")+9:src.rindex(")\\nprint")]; print(json.dumps(ast.literal_eval(lit)))'], { input: text, encoding: 'utf8' });
  if (python.error) return t.skip('no python3');
  assert.equal(python.status, 0, python.stderr);
  const body = JSON.parse(python.stdout);
  assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'response', schema: { a: true, b: false, c: null }, strict: true } });
  assert.deepEqual(body.messages, EXPECTED_BODY.messages);
});

test('no snippet holds a secret: only the environment variable name', () => {
  for (const format of ['curl', 'node', 'python'] as const) {
    const text = snippet(format, REQUEST, 'http://127.0.0.1:4141');
    assert.ok(text.includes(TOKEN_ENV), format);
    assert.doesNotMatch(text, /sb-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]/, format);
  }
  // And the request it was made from is one the webview may send.
  assert.ok(parseWebviewMessage({ type: 'copyAsCode', format: 'curl', request: REQUEST }).ok);
});
