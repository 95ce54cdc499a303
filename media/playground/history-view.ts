import type { ConversationSummary } from '../../src/shared/playground-protocol';
import { h } from './dom';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The saved conversations of this workspace: open one, or delete it. */
export class HistoryView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;

  constructor(
    id: string,
    private readonly handlers: { onOpen: (id: string) => void; onDelete: (id: string) => void },
  ) {
    this.list = h('ul', { class: 'history-list' });
    this.element = h('aside', { class: 'history', id, 'aria-label': 'History', hidden: true }, h('h2', {}, 'History'), this.list);
  }

  render(items: readonly ConversationSummary[], currentId: string): void {
    if (!items.length) {
      this.list.replaceChildren(h('li', { class: 'empty-state' }, 'Your conversations are kept here, one list per workspace.'));
      return;
    }
    this.list.replaceChildren(
      ...items.map((item) =>
        h(
          'li',
          { class: item.id === currentId ? 'history-item current' : 'history-item', 'data-conversation': item.id },
          h(
            'button',
            {
              type: 'button',
              class: 'history-open',
              'aria-current': item.id === currentId ? 'true' : undefined,
              onclick: () => this.handlers.onOpen(item.id),
            },
            h('span', { class: 'history-title' }, item.title),
            h(
              'span',
              { class: 'history-meta' },
              `${dateFormat.format(item.updatedAt)} · ${item.turns} prompt${item.turns === 1 ? '' : 's'} · ${item.models.join(', ')}`,
            ),
          ),
          h('button', { type: 'button', class: 'icon history-delete', 'aria-label': `Delete "${item.title}"`, onclick: () => this.handlers.onDelete(item.id) }, '×'),
        ),
      ),
    );
  }
}
