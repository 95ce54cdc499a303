// Debian's Chromium driven by playwright-core (no browser download), with the flags this closed network needs.
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** A headless Chromium and one page in it; `consoleLines` collects the page's console and errors. */
export async function launchBrowser({ headless = process.env.HEADFUL !== '1' } = {}) {
  const browser = await chromium.launch({ executablePath: chromiumPath, headless, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const consoleLines = [];
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.stack ?? error.message}`));
    return { browser, page, consoleLines, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
