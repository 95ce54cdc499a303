// The first journey a user takes: palette -> Switchboard: Ask -> the answer streams into an editor -> the status
// bar shows the running cost. Against the packaged extension, with the fake upstream (in this process) as a
// custom provider that needs no key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionId } from '../harness/paths.mjs';
import { startFakeUpstream } from '../fakes/upstream.ts';
import { withWorkbench } from './workbench-session.mjs';

const STATUS_ITEM_ID = `${extensionId}.switchboard.status`;

test('palette -> Ask -> the answer appears in an editor, and the status bar shows the cost and latency', async () => {
  const fake = await startFakeUpstream();
  try {
    const settings = {
      'switchboard.customProviders': [
        { id: 'fake', name: 'Fake', baseURL: `${fake.url}/v1`, auth: 'none', models: [{ id: 'quick', price: { input: 1, output: 4 } }] },
      ],
      'switchboard.model': 'fake/quick',
      'switchboard.localDetection': false,
    };
    await withWorkbench(
      'ask',
      async (workbench) => {
        const status = workbench.statusBarItem(STATUS_ITEM_ID);
        await status.waitFor({ timeout: 60_000 });
        const before = await status.innerText();
        assert.match(before, /fake\/quick/);
        assert.doesNotMatch(before, /\$\d/, 'no cost before the first request');

        await workbench.runCommand('Switchboard: Ask', { opensInput: true });
        await workbench.answerInputBox('Ask fake/quick', 'What is two plus two?');
        // Monaco renders spaces as no-break spaces.
        const editor = (await workbench.waitForEditorText('Hello from quick: What is two plus two?')).replace(/\s+/g, ' ');
        assert.match(editor, /^> What is two plus two\? Hello from quick: What is two plus two\? --- _`fake\/quick` · /);

        const after = await workbench.waitForStatusBarItem(/fake\/quick · \$0\.\d+ · [\d.]+ m?s \(ttft [\d.]+ m?s\)/, { timeout: 30_000 });
        assert.match(after, /\$0\.0000\d+/);
        const sent = fake.requests.filter((r) => r.method === 'POST');
        assert.equal(sent.length, 1);
        assert.equal(sent[0].body.messages.at(-1).content, 'What is two plus two?');
      },
      { settings },
    );
  } finally {
    await fake.close();
  }
});
