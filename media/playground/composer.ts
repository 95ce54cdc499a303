import { MAX_IMAGES_PER_MESSAGE } from '../../src/shared/playground-records';
import { composerMarkup } from '../../src/shared/playground-composer-markup';
import { h, uid } from './dom';

export interface Draft {
  text: string;
  /** data: URLs. */
  images: string[];
}

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const SEND_SHORTCUT = isMac ? '⌘+Enter' : 'Ctrl+Enter';

const readAsDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });

/** The prompt box: text, image attachments (picked or pasted), Send and Stop. */
export class Composer {
  readonly element: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly attachments: HTMLElement;
  private readonly fileInput: HTMLInputElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly estimate: HTMLElement;
  private images: string[] = [];

  /**
   * Adopts `shell`, the composer the host wrote into the page (see src/shared/playground-composer-markup.ts), keeping what was typed
   * into it before the app started; without one, builds the same markup.
   */
  constructor(
    draft: Draft,
    private readonly handlers: { onSend: () => void; onStop: () => void; onDraftChange: (draft: Draft) => void },
    shell?: HTMLFormElement | null,
  ) {
    this.element = shell ?? Composer.build();
    const part = <T extends Element>(selector: string): T => {
      const found = this.element.querySelector<T>(selector);
      if (!found) throw new Error(`The composer has no ${selector}.`);
      return found;
    };
    this.textarea = part('.prompt-input');
    this.attachments = part('.attachments');
    this.fileInput = part('.attach-input');
    this.error = part('.composer-error');
    this.warning = part('.composer-warning');
    this.estimate = part('.composer-estimate');
    this.sendButton = part('.send');
    this.stopButton = part('.stop');
    const hint = part('.hint');
    hint.id = uid('composer-hint');
    hint.textContent = `${SEND_SHORTCUT} to send · Esc to stop`;
    this.textarea.setAttribute('aria-describedby', hint.id);
    this.textarea.placeholder = `Ask anything. ${SEND_SHORTCUT} sends, Esc stops.`;
    this.sendButton.title = `Send (${SEND_SHORTCUT})`;
    // Text typed into the page's composer before the app started is newer than the saved draft.
    if (!this.textarea.value) this.textarea.value = draft.text;

    this.textarea.addEventListener('input', () => this.changed());
    this.textarea.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
      if (files.length) {
        e.preventDefault();
        void this.attach(files);
      }
    });
    this.fileInput.addEventListener('change', () => {
      void this.attach([...(this.fileInput.files ?? [])]);
      this.fileInput.value = '';
    });
    this.stopButton.addEventListener('click', () => handlers.onStop());
    part('.attach').addEventListener('click', () => this.fileInput.click());
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      handlers.onSend();
    });
    this.images = [...draft.images];
    this.renderAttachments();
  }

  private static build(): HTMLFormElement {
    const template = h('template');
    template.innerHTML = composerMarkup(SEND_SHORTCUT);
    return template.content.firstElementChild as HTMLFormElement;
  }

  get draft(): Draft {
    return { text: this.textarea.value, images: [...this.images] };
  }

  setDraft(draft: Draft): void {
    this.textarea.value = draft.text;
    this.images = [...draft.images];
    this.renderAttachments();
  }

  setBusy(busy: boolean): void {
    this.sendButton.disabled = busy;
    this.stopButton.hidden = !busy;
  }

  showError(message: string): void {
    this.error.textContent = message;
  }

  /** A note that some chosen model does not take images, while images are attached. */
  setWarning(message: string): void {
    this.warning.textContent = message;
  }

  /** The approximate cost of sending the draft; empty hides it. */
  setEstimate(text: string): void {
    if (this.estimate.textContent !== text) this.estimate.textContent = text;
  }

  focus(): void {
    this.textarea.focus();
  }

  get hasImages(): boolean {
    return this.images.length > 0;
  }

  private async attach(files: File[]): Promise<void> {
    const problems: string[] = [];
    for (const file of files) {
      if (this.images.length >= MAX_IMAGES_PER_MESSAGE) {
        problems.push(`At most ${MAX_IMAGES_PER_MESSAGE} images per prompt.`);
        break;
      }
      if (!file.type.startsWith('image/')) problems.push(`${file.name} is not an image.`);
      else if (file.size > MAX_IMAGE_BYTES) problems.push(`${file.name} is over 5 MB.`);
      else this.images.push(await readAsDataUrl(file));
    }
    this.showError(problems.join(' '));
    this.renderAttachments();
    this.changed();
  }

  private changed(): void {
    this.error.textContent = '';
    this.handlers.onDraftChange(this.draft);
  }

  private renderAttachments(): void {
    this.attachments.hidden = this.images.length === 0;
    this.attachments.replaceChildren(
      ...this.images.map((url, i) =>
        h(
          'li',
          { class: 'attachment' },
          h('img', { src: url, alt: `Attached image ${i + 1}` }),
          h(
            'button',
            {
              type: 'button',
              class: 'icon remove-attachment',
              'aria-label': `Remove image ${i + 1}`,
              onclick: () => {
                this.images.splice(i, 1);
                this.renderAttachments();
                this.changed();
                this.textarea.focus();
              },
            },
            '×',
          ),
        ),
      ),
    );
  }
}
