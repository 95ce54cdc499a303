// Page object for VS Code's web workbench (code-server): the command palette, the status bar, notifications and
// extension webviews, found by the selectors VS Code itself renders.
const WORKBENCH = '.monaco-workbench';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .monaco-list-row`;
const STATUS_BAR = '.statusbar';
const NOTIFICATION_MESSAGES = '.notifications-toasts .notification-list-item-message';

export class Workbench {
  constructor(page) {
    this.page = page;
  }

  /** Opens `url` and waits until the workbench and its status bar are on screen. */
  static async open(page, url, { timeout = 60_000 } = {}) {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    await page.locator(WORKBENCH).waitFor({ timeout });
    await page.locator(STATUS_BAR).waitFor({ timeout });
    return new Workbench(page);
  }

  async openCommandPalette() {
    await this.page.locator(WORKBENCH).focus();
    await this.page.keyboard.press('F1');
    await this.page.locator(QUICK_INPUT_BOX).waitFor();
  }

  /**
   * Runs a command by its palette label ("Category: Title"), as a user would: F1, type, pick the exact row.
   * The palette lists what is registered when it opens, so while extensions are still loading it tries again.
   */
  async runCommand(label, { timeout = 30_000, opensInput = false } = {}) {
    const deadline = Date.now() + timeout;
    const row = this.page.locator(QUICK_INPUT_ROWS).filter({ has: this.page.getByText(label, { exact: true }) }).first();
    for (;;) {
      await this.openCommandPalette();
      await this.page.locator(QUICK_INPUT_BOX).fill(`>${label}`);
      try {
        await row.waitFor({ timeout: Math.min(3_000, Math.max(1, deadline - Date.now())) });
        break;
      } catch (error) {
        if (Date.now() >= deadline) throw new Error(`no command "${label}" in the palette after ${timeout} ms`, { cause: error });
        await this.page.keyboard.press('Escape');
      }
    }
    await row.click();
    // A command that asks for input reuses the same widget, so it never hides in between.
    if (!opensInput) await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout });
  }

  /** Types `value` into the input box titled `title` (a command's showInputBox) and presses Enter. */
  async answerInputBox(title, value, { timeout = 15_000 } = {}) {
    await this.page.locator(`${QUICK_INPUT} .quick-input-title`).filter({ hasText: title }).waitFor({ timeout });
    await this.page.locator(QUICK_INPUT_BOX).fill(value);
    await this.page.keyboard.press('Enter');
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout });
  }

  /** Waits for the active editor to show `text` and returns what its visible lines read. */
  async waitForEditorText(text, { timeout = 30_000 } = {}) {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').filter({ hasText: text }).first();
    await lines.waitFor({ timeout });
    return lines.innerText();
  }

  async statusBarText() {
    return this.page.locator(STATUS_BAR).innerText();
  }

  /** A status bar item by its id; an extension's item is `<publisher>.<name>.<id given to createStatusBarItem>`. */
  statusBarItem(id) {
    return this.page.locator(`${STATUS_BAR} .statusbar-item[id="${id}"]`);
  }

  /** Waits for a status bar item whose text contains `text` (a string or RegExp) and returns that item's text. */
  async waitForStatusBarItem(text, { timeout = 15_000 } = {}) {
    const item = this.page.locator(`${STATUS_BAR} .statusbar-item`).filter({ hasText: text }).first();
    await item.waitFor({ timeout });
    return item.innerText();
  }

  /** Waits for a notification toast whose message contains `text` and returns its message. */
  async waitForNotification(text, { timeout = 15_000 } = {}) {
    const message = this.page.locator(NOTIFICATION_MESSAGES).filter({ hasText: text }).first();
    await message.waitFor({ timeout });
    return message.innerText();
  }

  /** The content frame of an extension's webview: VS Code nests it in two iframes. */
  webview(extensionId) {
    const outer = extensionId ? `iframe.webview[src*="extensionId=${extensionId}"]` : 'iframe.webview';
    return this.page.frameLocator(outer).first().frameLocator('iframe#active-frame');
  }
}
