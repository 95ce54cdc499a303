import type { ModelInfo } from '../../src/shared/playground-protocol';
import { h, uid } from './dom';
import { capabilityList, describeModel, formatCount, formatPrice } from './format';

const MAX_OPTIONS = 200;

/** Models whose id or name holds every word of `query`, best matches (id prefix) first. */
export function filterModels(models: readonly ModelInfo[], query: string): ModelInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...models];
  const hits = models.filter((m) => {
    const hay = `${m.id} ${m.displayName}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const q = query.trim().toLowerCase();
  const rank = (m: ModelInfo) => (m.id.toLowerCase() === q ? 0 : m.id.toLowerCase().startsWith(q) || m.id.toLowerCase().includes(`/${q}`) ? 1 : 2);
  return hits.sort((a, b) => rank(a) - rank(b));
}

export interface ModelPickerOptions {
  label: string;
  value: string;
  models: () => readonly ModelInfo[];
  onChange: (id: string) => void;
}

/**
 * A model combobox (the ARIA 1.2 pattern): type to search the whole catalog, arrows to move, Enter to pick,
 * Escape to close. Each option shows the model's price, context window and capabilities. A typed id that is not
 * in the catalog (an alias) is accepted too: the gateway resolves it.
 */
export class ModelPicker {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly details: HTMLElement;
  private value: string;
  private shown: ModelInfo[] = [];
  private active = -1;

  constructor(private readonly options: ModelPickerOptions) {
    this.value = options.value;
    const listId = uid('models');
    const detailsId = uid('model-details');
    this.input = h('input', {
      class: 'picker-input',
      type: 'text',
      role: 'combobox',
      'aria-label': options.label,
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': listId,
      'aria-describedby': detailsId,
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'Search models…',
      value: options.value,
    });
    this.list = h('ul', { class: 'picker-list', id: listId, role: 'listbox', 'aria-label': `${options.label}: models`, hidden: true });
    this.details = h('div', { class: 'picker-details', id: detailsId });
    this.element = h('div', { class: 'picker' }, this.input, this.list, this.details);

    this.input.addEventListener('focus', () => this.input.select());
    this.input.addEventListener('click', () => this.open());
    this.input.addEventListener('input', () => this.open());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => this.close(true));
    // Keeps focus in the input while an option is clicked.
    this.list.addEventListener('mousedown', (e) => e.preventDefault());
    this.list.addEventListener('click', (e) => {
      const option = (e.target as HTMLElement).closest<HTMLElement>('[role=option]');
      if (option?.dataset.model) this.pick(option.dataset.model);
    });
    this.renderDetails();
  }

  get selected(): string {
    return this.value;
  }

  focus(): void {
    this.input.focus();
  }

  /** The catalog changed or the value was set from outside. */
  refresh(value = this.value): void {
    this.value = value;
    if (document.activeElement !== this.input) this.input.value = value;
    this.renderDetails();
    if (!this.list.hidden) this.renderOptions();
  }

  private get isOpen(): boolean {
    return !this.list.hidden;
  }

  private open(): void {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.renderOptions();
  }

  /** With `commitTyped`, a typed id other than the current one becomes the value (an alias, a custom id). */
  private close(commitTyped: boolean): void {
    const typed = this.input.value.trim();
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
    if (commitTyped && typed && typed !== this.value && this.options.models().some((m) => m.id === typed)) this.pick(typed);
    else this.input.value = this.value;
  }

  private pick(id: string): void {
    const changed = id !== this.value;
    this.value = id;
    this.input.value = id;
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.renderDetails();
    if (changed) this.options.onChange(id);
  }

  private onKey(e: KeyboardEvent): void {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        if (!this.isOpen) this.open();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        if (this.shown.length) this.setActive((this.active + step + this.shown.length) % this.shown.length);
        break;
      }
      case 'Enter': {
        if (!this.isOpen) return;
        e.preventDefault();
        e.stopPropagation();
        const typed = this.input.value.trim();
        if (this.active >= 0) this.pick(this.shown[this.active].id);
        else if (typed) this.pick(typed);
        break;
      }
      case 'Escape':
        if (!this.isOpen) return;
        e.preventDefault();
        e.stopPropagation();
        this.close(false);
        break;
      default:
        break;
    }
  }

  private setActive(index: number): void {
    this.list.querySelector('[aria-selected=true]')?.setAttribute('aria-selected', 'false');
    this.active = index;
    const option = this.list.children[index] as HTMLElement | undefined;
    if (!option) return;
    option.setAttribute('aria-selected', 'true');
    this.input.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  }

  private renderOptions(): void {
    const query = this.input.value.trim() === this.value ? '' : this.input.value;
    this.shown = filterModels(this.options.models(), query).slice(0, MAX_OPTIONS);
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    const base = this.list.id;
    this.list.replaceChildren(
      ...this.shown.map((m, i) =>
        h(
          'li',
          { id: `${base}-${i}`, role: 'option', 'aria-selected': 'false', class: m.id === this.value ? 'option current' : 'option', 'data-model': m.id },
          h('span', { class: 'option-id' }, m.id),
          h('span', { class: 'option-name' }, m.displayName),
          h(
            'span',
            { class: 'option-meta' },
            m.price ? `${formatPrice(m.price.input)} / ${formatPrice(m.price.output)}` : 'no price',
            ` · ${formatCount(m.contextWindow)}`,
            ...capabilityList(m).map((c) => h('span', { class: 'badge' }, c)),
            m.keyMissing ? h('span', { class: 'badge warn' }, 'no key') : undefined,
          ),
        ),
      ),
    );
    if (!this.shown.length) this.list.append(h('li', { class: 'option empty', 'aria-disabled': 'true' }, 'No model matches. Press Enter to use this id as typed.'));
  }

  private renderDetails(): void {
    const model = this.options.models().find((m) => m.id === this.value);
    if (!model) {
      this.details.textContent = this.value ? 'Not in the catalog (an alias or a custom id).' : '';
      return;
    }
    this.details.replaceChildren(model.displayName, ' · ', describeModel(model), model.keyMissing ? h('span', { class: 'badge warn' }, 'no key') : '');
  }
}
