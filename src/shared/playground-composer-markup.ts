/**
 * The composer's markup. The host writes it into the page, so the prompt box is on screen, and takes typing,
 * before the app's script has even arrived; the app then adopts these very elements (see Composer). Plain text,
 * no DOM: the host builds the page with it too.
 */
export function composerMarkup(shortcut: string): string {
  return [
    '<form class="composer" aria-label="Compose a prompt">',
    '<ul class="attachments" aria-label="Attached images" hidden></ul>',
    `<textarea class="prompt-input" rows="3" aria-label="Prompt" aria-describedby="composer-hint" placeholder="Ask anything. ${shortcut} sends, Esc stops." autofocus></textarea>`,
    '<div class="composer-warning"></div>',
    '<div class="composer-error" role="alert"></div>',
    '<div class="composer-estimate" role="status" aria-live="polite"></div>',
    '<div class="composer-actions">',
    '<button type="button" class="secondary attach">Attach image…</button>',
    '<input type="file" class="attach-input" accept="image/*" multiple hidden tabindex="-1" aria-hidden="true">',
    `<span class="hint" id="composer-hint">${shortcut} to send · Esc to stop</span>`,
    '<button type="button" class="stop" title="Stop (Esc)" hidden>Stop</button>',
    `<button type="submit" class="primary send" title="Send (${shortcut})">Send</button>`,
    '</div>',
    '</form>',
  ].join('');
}
