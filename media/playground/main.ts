import './zod-config';
import { App } from './app';
import { loadMarkdown } from './markdown-loader';
import { acquireApi } from './vscode-api';
import './playground.css';

const root = document.getElementById('app');
if (root) {
  new App(root, acquireApi());
  performance.mark('playground:app-mounted');
  // The renderer, ready to use, while the panel waits for a prompt.
  requestIdleCallback(() => void loadMarkdown().then((markdown) => markdown.warmUp()), { timeout: 1000 });
}
