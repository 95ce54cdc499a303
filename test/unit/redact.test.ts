import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, createRedactor } from '../../src/core/log/redact';

// Shaped like real keys, made up here.
const KEYS = {
  openai: 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh',
  openaiLegacy: 'sk-T3BlbkFJ8a9b0c1d2e3f4g5h6i7j8k9l0m1n2o3p4',
  anthropic: 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe-AbCdEfGh12',
  openrouter: 'sk-or-v1-0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071',
  google: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  groq: 'gsk_Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9',
  xai: 'xai-Mn1Bv2Cx3Zl4Kj5Hg6Fd7Sa8Qw9Er0Ty1Ui2Op3',
};

test('provider API keys are replaced wherever they appear in a string', () => {
  const r = createRedactor();
  for (const [name, key] of Object.entries(KEYS)) {
    const out = r.redactString(`my ${name} key is ${key}, please use it`);
    assert.ok(!out.includes(key), `${name} key leaked: ${out}`);
    assert.ok(!out.includes(key.slice(8)), `${name} key tail leaked: ${out}`);
    assert.match(out, /\[REDACTED\]/);
  }
});

test('bearer tokens and authorization headers keep their shape, not their value', () => {
  const r = createRedactor();
  assert.equal(r.redactString('curl -H "Authorization: Bearer abc.def-ghi_jkl"'), `curl -H "Authorization: Bearer ${REDACTED}"`);
  assert.equal(r.redactString('x-api-key: 0123456789abcdef'), `x-api-key: ${REDACTED}`);
  assert.equal(r.redactString('{"authorization":"Basic dXNlcjpwYXNz"}'), `{"authorization":"Basic ${REDACTED}"}`);
});

test('a long random value next to key/token/secret is redacted; ordinary words are not', () => {
  const r = createRedactor();
  const secret = 'q8Zr2Lm9Xv4Tn7Kp1Wd6Hs3Jf0Bc5Ga';
  assert.equal(r.redactString(`CF_API_TOKEN=${secret}`), `CF_API_TOKEN=${REDACTED}`);
  assert.equal(r.redactString(`client_secret: "${secret}"`), `client_secret: "${REDACTED}"`);
  assert.equal(r.redactString(`the token is ${secret}`), `the token is ${REDACTED}`);
  const prose = 'The key insight: tokenization_is_a_preprocessing_step and sk-learn-is-a-python-library.';
  assert.equal(r.redactString(prose), prose);
  assert.equal(r.redactString('secret: src/core/log/store.ts'), 'secret: src/core/log/store.ts');
});

test('known secrets are replaced exactly, even without a recognizable shape', () => {
  const r = createRedactor({ knownSecrets: ['local-server-passphrase', undefined, 'abc'] });
  assert.equal(r.redactString('use local-server-passphrase now'), `use ${REDACTED} now`);
  // Too short to replace safely: "abc" stays in "abcdef".
  assert.equal(r.redactString('abcdef'), 'abcdef');
});

test('user patterns apply; an invalid one is reported naming the setting and ignored', () => {
  const r = createRedactor({ userPatterns: ['ACME-\\d{6}', '/project-(x|y)/i', '([unclosed', 'a*'] });
  assert.equal(r.redactString('ticket ACME-123456 for PROJECT-X'), `ticket ${REDACTED} for ${REDACTED}`);
  assert.equal(r.warnings.length, 2);
  for (const w of r.warnings) {
    assert.equal(w.setting, 'switchboard.logging.redactPatterns');
    assert.match(w.message, /switchboard\.logging\.redactPatterns/);
  }
  assert.match(r.warnings[0].message, /\(\[unclosed/);
  assert.match(r.warnings[1].message, /empty string/);
});

test('redact() walks objects and arrays and leaves non-strings alone', () => {
  const r = createRedactor({ knownSecrets: [KEYS.openai] });
  const value = { a: [{ b: `x ${KEYS.openai}` }], n: 3, ok: true, nil: null, error: `401: invalid key ${KEYS.anthropic}` };
  const out = r.redact(value);
  assert.deepEqual(out, { a: [{ b: `x ${REDACTED}` }], n: 3, ok: true, nil: null, error: `401: invalid key ${REDACTED}` });
  assert.notEqual(out, value);
  assert.equal(value.a[0].b, `x ${KEYS.openai}`, 'the input is not modified');
});

test('redaction stays linear on long input without separators', () => {
  const r = createRedactor();
  const long = 'key'.repeat(200_000) + 'A'.repeat(500_000);
  const started = performance.now();
  r.redactString(long);
  assert.ok(performance.now() - started < 1000, 'took too long: possible catastrophic backtracking');
});
