import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marked, type Token } from 'marked';
import { BlockSplitter } from '../../media/playground/blocks';

const DOC = [
  '# Title',
  '',
  'A paragraph with **bold** and `code`,',
  'over two lines.',
  '',
  '- one',
  '- two',
  '',
  '```ts',
  'const x = 1;',
  '',
  'const y = 2;',
  '```',
  '',
  '| a | b |',
  '| - | - |',
  '| 1 | 2 |',
  '',
  '> quoted',
  '',
  'Last words.',
  '',
].join('\n');

/** Streams `text` in pieces of `size`, updating after each, as the webview does once per frame. */
function stream(text: string, size: number) {
  const splitter = new BlockSplitter();
  const finished: Token[] = [];
  let maxTail = 0;
  for (let i = 0; i < text.length; i += size) {
    splitter.append(text.slice(i, i + size));
    const update = splitter.update();
    finished.push(...update.finished);
    maxTail = Math.max(maxTail, update.tail.filter((t) => t.type !== 'space').length);
  }
  finished.push(...splitter.finish());
  return { finished, maxTail, splitter };
}

test('streamed in any piece size, the blocks add up to the text and render as the whole text does', () => {
  const whole = marked.parse(DOC, { async: false });
  for (const size of [1, 3, 7, 16, 64, DOC.length]) {
    const { finished, maxTail } = stream(DOC, size);
    assert.equal(finished.map((t) => t.raw).join(''), DOC, `size ${size}`);
    assert.equal(marked.parser(finished), whole, `size ${size}`);
    assert.ok(maxTail <= 1, `size ${size}: the open tail held ${maxTail} blocks`);
  }
});

test('only blocks followed by another block are finished; an open code fence stays open', () => {
  const splitter = new BlockSplitter();
  splitter.append('Intro.\n\n```js\nconst a = 1;\n\nconst b = 2;\n');
  const first = splitter.update();
  assert.deepEqual(first.finished.map((t) => t.type), ['paragraph', 'space']);
  assert.deepEqual(first.tail.map((t) => t.type), ['code']);
  splitter.append('```\n\nAfter.');
  const second = splitter.update();
  assert.deepEqual(second.finished.map((t) => t.type), ['code', 'space']);
  assert.equal((second.finished[0] as { text: string }).text, 'const a = 1;\n\nconst b = 2;');
  assert.deepEqual(second.tail.map((t) => t.type), ['paragraph']);
});

test('a list stays open until another block starts, so a later item joins it', () => {
  const splitter = new BlockSplitter();
  splitter.append('- a\n- b\n\n');
  assert.equal(splitter.update().finished.length, 0);
  splitter.append('- c\n\nEnd.');
  const { finished } = splitter.update();
  assert.equal(finished.filter((t) => t.type === 'list').length, 1);
  assert.equal((finished[0] as { items: unknown[] }).items.length, 3);
});

test('CRLF line ends, even split across pieces, read as LF', () => {
  const splitter = new BlockSplitter();
  for (const piece of ['One.\r', '\n\r', '\nTwo.\r']) splitter.append(piece);
  assert.equal(splitter.source, 'One.\n\nTwo.\n');
  const tokens = [...splitter.update().finished, ...splitter.finish()];
  assert.deepEqual(tokens.filter((t) => t.type === 'paragraph').map((t) => (t as { text: string }).text), ['One.', 'Two.']);
});
