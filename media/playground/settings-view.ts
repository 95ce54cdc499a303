import { MAX_STOP_SEQUENCES, RunParamsSchema, type RunParams } from '../../src/shared/playground-records';
import { responseFormat } from './conversation';
import { h, uid } from './dom';

interface NumberField {
  key: 'temperature' | 'topP' | 'maxTokens';
  label: string;
  min: number;
  max?: number;
  step: number;
  integer?: boolean;
  /** Exclusive minimum (top_p must be above 0). */
  above?: boolean;
}

const NUMBER_FIELDS: NumberField[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.1 },
  { key: 'topP', label: 'Top P', min: 0, max: 1, step: 0.05, above: true },
  { key: 'maxTokens', label: 'Max tokens', min: 1, step: 1, integer: true },
];

function numberError(field: NumberField, raw: string): string | undefined {
  if (!raw.trim()) return undefined;
  const n = Number(raw);
  const range = field.max === undefined ? `${field.above ? 'above' : 'at least'} ${field.min}` : `${field.above ? 'above' : 'from'} ${field.min} ${field.above ? 'up ' : ''}to ${field.max}`;
  if (!Number.isFinite(n) || (field.integer && !Number.isInteger(n))) return `${field.label} must be ${field.integer ? 'a whole number' : 'a number'} ${range}.`;
  if ((field.above ? n <= field.min : n < field.min) || (field.max !== undefined && n > field.max)) return `${field.label} must be ${range}.`;
  return undefined;
}

/**
 * The request settings: system prompt, sampling, limits, stop sequences and structured output. Every change
 * reaches `onChange` at once; a value that is out of range is flagged beside its field and blocks sending.
 */
export class SettingsView {
  readonly element: HTMLElement;
  private readonly system: HTMLTextAreaElement;
  private readonly numbers = new Map<NumberField['key'], { input: HTMLInputElement; error: HTMLElement }>();
  private readonly stop: HTMLTextAreaElement;
  private readonly output: HTMLSelectElement;
  private readonly schema: HTMLTextAreaElement;
  private readonly schemaRow: HTMLElement;
  private readonly problems = new Map<string, string>();
  private readonly errorEls = new Map<string, HTMLElement>();

  constructor(
    id: string,
    private params: RunParams,
    private readonly onChange: (params: RunParams) => void,
  ) {
    const field = (label: string, control: HTMLElement, key: string, hint?: string) => {
      const error = h('div', { class: 'field-error', id: uid('error'), role: 'alert' });
      this.errorEls.set(key, error);
      control.setAttribute('aria-describedby', error.id);
      control.id ||= uid(key);
      return h('div', { class: `field field-${key}` }, h('label', { for: control.id }, label), control, hint ? h('div', { class: 'field-hint' }, hint) : undefined, error);
    };

    this.system = h('textarea', { class: 'system-input', rows: 3, placeholder: 'You are a helpful assistant.' });
    this.system.addEventListener('input', () => this.read());

    const numberRows = NUMBER_FIELDS.map((f) => {
      const input = h('input', { type: 'number', min: f.min, max: f.max, step: f.step, placeholder: 'default', inputmode: f.integer ? 'numeric' : 'decimal' });
      input.addEventListener('input', () => this.read());
      const row = field(f.label, input, f.key);
      this.numbers.set(f.key, { input, error: this.errorEls.get(f.key)! });
      return row;
    });

    this.stop = h('textarea', { class: 'stop-input', rows: 2, placeholder: 'One per line' });
    this.stop.addEventListener('input', () => this.read());

    this.output = h(
      'select',
      {},
      h('option', { value: 'text' }, 'Text'),
      h('option', { value: 'json_object' }, 'JSON object'),
      h('option', { value: 'json_schema' }, 'JSON schema (structured output)'),
    );
    this.output.addEventListener('change', () => this.read());
    this.schema = h('textarea', { class: 'schema-input', rows: 6, spellcheck: 'false', placeholder: '{ "type": "object", "properties": { … }, "required": [ … ] }' });
    this.schema.addEventListener('input', () => this.read());
    this.schemaRow = field('JSON schema', this.schema, 'jsonSchema');

    this.element = h(
      'section',
      { class: 'settings', id, 'aria-label': 'Request settings', hidden: true },
      field('System prompt', this.system, 'system'),
      h('div', { class: 'field-row' }, ...numberRows),
      field('Stop sequences', this.stop, 'stop', `One per line, up to ${MAX_STOP_SEQUENCES}.`),
      field('Output', this.output, 'output'),
      this.schemaRow,
    );
    this.set(params);
  }

  /** Loads params into the fields (a restored or opened conversation). */
  set(params: RunParams): void {
    this.params = params;
    this.system.value = params.system;
    for (const f of NUMBER_FIELDS) this.numbers.get(f.key)!.input.value = params[f.key] === undefined ? '' : String(params[f.key]);
    this.stop.value = params.stop.join('\n');
    this.output.value = params.output;
    this.schema.value = params.jsonSchema;
    this.validate();
  }

  /** What stops a send, if anything. */
  get errors(): string[] {
    return [...this.problems.values()];
  }

  private stopLines(): string[] {
    return this.stop.value.split('\n').filter((s) => s.length > 0);
  }

  private read(): void {
    const next: RunParams = { ...this.params, system: this.system.value };
    for (const f of NUMBER_FIELDS) {
      const raw = this.numbers.get(f.key)!.input.value;
      next[f.key] = raw.trim() && !numberError(f, raw) ? Number(raw) : undefined;
    }
    next.stop = this.stopLines().slice(0, MAX_STOP_SEQUENCES);
    next.output = RunParamsSchema.shape.output.parse(this.output.value);
    next.jsonSchema = this.schema.value;
    this.params = next;
    this.validate();
    this.onChange(next);
  }

  private validate(): void {
    this.problems.clear();
    for (const f of NUMBER_FIELDS) {
      const error = numberError(f, this.numbers.get(f.key)!.input.value);
      if (error) this.problems.set(f.key, error);
    }
    if (this.stopLines().length > MAX_STOP_SEQUENCES) this.problems.set('stop', `At most ${MAX_STOP_SEQUENCES} stop sequences.`);
    this.schemaRow.hidden = this.params.output !== 'json_schema';
    if (this.params.output === 'json_schema') {
      const format = responseFormat(this.params);
      if (!format.ok) this.problems.set('jsonSchema', format.error);
    }
    for (const [key, element] of this.errorEls) {
      const problem = this.problems.get(key) ?? '';
      element.textContent = problem;
      element.parentElement?.querySelector('input, textarea, select')?.setAttribute('aria-invalid', String(Boolean(problem)));
    }
  }
}
