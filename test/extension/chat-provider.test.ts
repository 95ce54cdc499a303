// VS Code's language model API: Switchboard's models through vscode.lm, answered by the fake upstream.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { restoreSettings, setSetting, switchboard, waitFor } from './switchboard';

const KEY = 'sk-switchboard-lm-test';
const VENDOR = 'switchboard';

async function collect(response: vscode.LanguageModelChatResponse): Promise<{ text: string; toolCalls: vscode.LanguageModelToolCallPart[] }> {
  let text = '';
  const toolCalls: vscode.LanguageModelToolCallPart[] = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) text += part.value;
    else if (part instanceof vscode.LanguageModelToolCallPart) toolCalls.push(part);
  }
  return { text, toolCalls };
}

describe('Switchboard as a language model provider', function () {
  this.timeout(30_000);
  let fake: FakeUpstream;

  before(async () => {
    fake = await startFakeUpstream({ expectedKey: KEY });
    await setSetting('providers', { openai: { baseURL: `${fake.url}/v1` }, ollama: { baseURL: `${fake.url}/v1` } });
    const api = await switchboard();
    await waitFor('the fake base URL in force', () => api.settings().providers.openai?.baseURL === `${fake.url}/v1`);
  });

  after(async () => {
    await vscode.commands.executeCommand('switchboard.clearApiKey', { provider: 'openai' });
    await restoreSettings();
    await fake.close();
  });

  it('offers local models with no key, and a provider\'s models once its key is stored', async () => {
    await vscode.commands.executeCommand('switchboard.clearApiKey', { provider: 'openai' });
    const keyless = await waitFor('the local Ollama models', async () => {
      const models = await vscode.lm.selectChatModels({ vendor: VENDOR });
      return models.some((m) => m.id === 'ollama/llama3.2:latest') ? models : undefined;
    });
    assert.ok(!keyless.some((m) => m.id.startsWith('openai/')), 'no OpenAI model without a key');

    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const models = await waitFor('the OpenAI models', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: VENDOR, id: 'openai/gpt-5-mini' });
      return found.length ? found : undefined;
    });
    assert.equal(models[0].vendor, VENDOR);
    assert.equal(models[0].family, 'gpt-5-mini');
    assert.ok(models[0].maxInputTokens > 100_000);
  });

  it('answers sendRequest through the gateway, with the stored key, counted in the session cost', async () => {
    const api = await switchboard();
    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const [model] = await waitFor('gpt-5-mini', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: VENDOR, id: 'openai/gpt-5-mini' });
      return found.length ? found : undefined;
    });
    const requestsBefore = api.sessionSpend().requests;
    const before = fake.requests.length;
    const response = await model.sendRequest([
      vscode.LanguageModelChatMessage.User('Hello from vscode.lm'),
      vscode.LanguageModelChatMessage.Assistant('Hi.'),
      vscode.LanguageModelChatMessage.User('Second turn'),
    ]);
    const { text } = await collect(response);
    assert.match(text, /Second turn/);
    const sent = fake.requests.slice(before).find((r) => r.method === 'POST');
    assert.equal(sent?.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(
      sent?.body.messages.map((m: { role: string }) => m.role),
      ['user', 'assistant', 'user'],
    );
    await waitFor('the request in the session cost', () => api.sessionSpend().requests === requestsBefore + 1);
  });

  it('passes tools and returns the model\'s tool calls as LanguageModelToolCallParts', async () => {
    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const [model] = await vscode.lm.selectChatModels({ vendor: VENDOR, id: 'openai/gpt-5-mini' });
    fake.enqueueReply({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const before = fake.requests.length;
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('Weather in Paris?')], {
      tools: [{ name: 'get_weather', description: 'Current weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolMode: vscode.LanguageModelChatToolMode.Required,
    });
    const { toolCalls } = await collect(response);
    assert.equal(toolCalls.length, 1);
    assert.equal(toolCalls[0].name, 'get_weather');
    assert.deepEqual(toolCalls[0].input, { city: 'Paris' });
    const sent = fake.requests.slice(before).find((r) => r.method === 'POST');
    assert.equal(sent?.body.tools[0].function.name, 'get_weather');
    assert.equal(sent?.body.tool_choice, 'required');

    // The tool result goes back as a `tool` message after the assistant's call.
    fake.enqueueReply({ text: 'It is sunny.' });
    const next = await model.sendRequest([
      vscode.LanguageModelChatMessage.User('Weather in Paris?'),
      vscode.LanguageModelChatMessage.Assistant([toolCalls[0]]),
      vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(toolCalls[0].callId, [new vscode.LanguageModelTextPart('sunny, 21 C')])]),
    ]);
    assert.equal((await collect(next)).text, 'It is sunny.');
    const followUp = fake.requests.filter((r) => r.method === 'POST').at(-1);
    const roles = followUp?.body.messages.map((m: { role: string }) => m.role);
    assert.deepEqual(roles, ['user', 'assistant', 'tool']);
    assert.equal(followUp?.body.messages[2].tool_call_id, toolCalls[0].callId);
    assert.equal(followUp?.body.messages[2].content, 'sunny, 21 C');
  });

  it('counts tokens with a tokenizer', async () => {
    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const [model] = await vscode.lm.selectChatModels({ vendor: VENDOR, id: 'openai/gpt-5-mini' });
    const short = await model.countTokens('hello');
    const long = await model.countTokens('hello '.repeat(100));
    assert.ok(short >= 1 && short <= 2, `${short}`);
    assert.ok(long >= 100 && long <= 110, `${long}`);
  });

  it('Cancel Request stops a language model stream, upstream included', async () => {
    // VS Code 1.112 forwards the caller's CancellationToken to the provider only until the request starts
    // (later versions add $cancelLanguageModelChatRequest), so this cancels the way a user can: the command.
    const api = await switchboard();
    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const [model] = await vscode.lm.selectChatModels({ vendor: VENDOR, id: 'openai/gpt-5-mini' });
    fake.enqueueReply({ text: 'y'.repeat(400), chunkSize: 4, chunkDelayMs: 50 });
    const started = Date.now();
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('Go slowly')]);
    let received = '';
    let cancelled = 0;
    let failure: unknown;
    try {
      for await (const chunk of response.text) {
        received += chunk;
        if (received.length >= 8 && !cancelled) cancelled = await vscode.commands.executeCommand<number>('switchboard.cancelRequest');
      }
    } catch (err) {
      failure = err;
    }
    assert.equal(cancelled, 1);
    assert.ok(failure instanceof Error, 'the cancelled stream ends with an error');
    assert.ok(received.length < 400, `received ${received.length} characters`);
    assert.ok(Date.now() - started < 4000);
    await waitFor('no request running', () => api.diagnostics().runningRequests === 0);
  });
});
