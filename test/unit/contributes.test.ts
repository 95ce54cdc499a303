import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, SETTING_KEYS, parseSettings, type SettingKey } from '../../src/core/config/settings';

interface ConfigProperty {
  type?: string | string[];
  default?: unknown;
  scope?: string;
  description?: string;
  markdownDescription?: string;
}

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const properties: Record<string, ConfigProperty> = manifest.contributes.configuration.properties;
const declared = Object.keys(properties);

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

describe('package.json contributes.configuration', () => {
  test('declares exactly the switchboard.* keys of SETTING_KEYS', () => {
    assert.deepEqual([...declared].sort(), SETTING_KEYS.map((k) => `switchboard.${k}`).sort());
  });

  for (const key of SETTING_KEYS) {
    const property = (): ConfigProperty => properties[`switchboard.${key}`] ?? assert.fail(`switchboard.${key} is not declared`);

    test(`switchboard.${key}: default equals DEFAULT_SETTINGS and passes the schema`, () => {
      assert.deepEqual(property().default, DEFAULT_SETTINGS[key]);
      const { warnings } = parseSettings({ [key]: property().default });
      assert.deepEqual(warnings, []);
    });

    test(`switchboard.${key}: has a description, a scope, and a type that admits its default`, () => {
      const p = property();
      assert.ok((p.markdownDescription ?? p.description ?? '').length > 20, 'describe the setting');
      assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(p.scope ?? ''));
      const types = [p.type].flat();
      const actual = jsonType(DEFAULT_SETTINGS[key as SettingKey]);
      assert.ok(types.includes(actual) || (actual === 'integer' && types.includes('number')), `type ${types} vs default's ${actual}`);
    });
  }
});

describe('package.json commands and activation', () => {
  const commands: { command: string; title: string; category?: string }[] = manifest.contributes.commands;

  test('every command is in the Switchboard palette category and activates the extension', () => {
    for (const c of commands) {
      assert.equal(c.category, 'Switchboard', c.command);
      assert.ok(manifest.activationEvents.includes(`onCommand:${c.command}`), c.command);
    }
  });

  test('activation events are specific: no "*"', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(manifest.activationEvents.includes('onLanguageModelChatProvider:switchboard'));
  });

  test('the language model vendor is declared and the walkthrough markdown exists', () => {
    assert.deepEqual(manifest.contributes.languageModelChatProviders.map((p: { vendor: string }) => p.vendor), ['switchboard']);
    for (const walkthrough of manifest.contributes.walkthroughs) {
      for (const step of walkthrough.steps) {
        assert.ok(readFileSync(new URL(`../../${step.media.markdown}`, import.meta.url), 'utf8').startsWith('# '), step.id);
      }
    }
  });
});
