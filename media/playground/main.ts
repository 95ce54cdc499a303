import './zod-config';
import { App } from './app';
import { prepareHighlighting } from './markdown';
import { acquireApi } from './vscode-api';
import './playground.css';

const root = document.getElementById('app');
if (root) {
  new App(root, acquireApi());
  prepareHighlighting();
}
