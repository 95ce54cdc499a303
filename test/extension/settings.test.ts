// Settings: read live from VS Code's configuration, validated by the core's parser, last good value kept.
import * as assert from 'node:assert/strict';
import { answerMessages, restoreSettings, setSetting, switchboard, waitFor } from './switchboard';

describe('Switchboard settings', () => {
  afterEach(restoreSettings);

  it('shows a change of switchboard.model in the status bar without a reload', async () => {
    const api = await switchboard();
    await setSetting('model', 'anthropic/claude-haiku-4-5');
    await waitFor('the status bar to show the new model', () => api.statusBar().text.includes('anthropic/claude-haiku-4-5'));
    assert.equal(api.settings().model, 'anthropic/claude-haiku-4-5');
    await restoreSettings();
    await waitFor('the status bar to show the default model again', () => api.statusBar().text.includes('openai/gpt-5-mini'));
  });

  it('warns about an invalid value, naming the setting, and keeps the last good one', async () => {
    const api = await switchboard();
    await setSetting('retry', { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 });
    await waitFor('the valid retry setting', () => api.settings().retry.maxAttempts === 5);
    assert.deepEqual(api.settingsWarnings(), []);

    await setSetting('retry', { maxAttempts: 0 });
    const warning = await waitFor('a warning', () => api.settingsWarnings().find((w) => w.setting === 'switchboard.retry'));
    assert.match(warning.message, /switchboard\.retry/);
    assert.match(warning.message, /maxAttempts/);
    assert.deepEqual(api.settings().retry, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 });

    await setSetting('budget.warnAt', 3);
    await waitFor('a second warning', () => api.settingsWarnings().some((w) => w.setting === 'switchboard.budget.warnAt'));
    assert.equal(api.settings()['budget.warnAt'], 0.8);

    await restoreSettings();
    await waitFor('the warnings to clear', () => api.settingsWarnings().length === 0);
    assert.equal(api.settings().retry.maxAttempts, 3);
  });

  it('warns, once, about a provider override for no provider, naming the closest one', async () => {
    const api = await switchboard();
    await api.gateway();
    const warnings = answerMessages('showWarningMessage', () => undefined);
    try {
      await setSetting('providers', { opneai: { baseURL: 'http://127.0.0.1:9/v1' } });
      await waitFor('the warning', () => warnings.calls.some((c) => c.message.includes('"opneai"')));
      await setSetting('providers', { opneai: { baseURL: 'http://127.0.0.1:8/v1' } });
      await waitFor('the new base URL in force', () => api.settings().providers.opneai?.baseURL === 'http://127.0.0.1:8/v1');
    } finally {
      warnings.restore();
    }
    assert.deepEqual(
      warnings.calls.map(({ message, rest }) => [message, rest]),
      [['Switchboard: switchboard.providers has overrides for "opneai", which is not a provider, so they apply to nothing. Did you mean "openai"?', ['Open Setting']]],
    );
  });
});
