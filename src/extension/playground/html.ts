import { randomBytes } from 'node:crypto';
import { composerMarkup } from '../../shared/playground-composer-markup';

export interface PlaygroundHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/media/playground.js, the app's entry module. */
  scriptUri: string;
  /** The text of dist/media/playground.css: written into the page, so nothing has to be fetched to paint it. */
  style: string;
  /** The send shortcut the composer names until the app, which knows the browser's platform, takes it over. */
  sendShortcut?: string;
  nonce?: string;
}

export const newNonce = (): string => randomBytes(18).toString('base64');

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
/** A value for an inline script: JSON, with `<` escaped so no `</script>` can end the element early. */
const scriptValue = (value: string) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The playground page. Its policy allows the app's module (and the chunks it imports, from the webview's own
 * origin), the nonce'd style and loader, data: images (attachments), and the highlighting worker (fetched from the
 * built assets, started from a blob: URL), and nothing else: no eval, no network beyond the built assets, no
 * remote resources, so even a prompt-injected answer that slipped past the sanitizer could load or send nothing.
 *
 * First paint: VS Code keeps a webview's frame hidden until the page's `load` event, which waits for every
 * script and stylesheet the page names. So the page names none: the style is inline, the composer is already in
 * the markup, and a nonce'd loader adds the app's module only once the page has loaded (and is shown). The app
 * then adopts the composer, with whatever was typed into it meanwhile.
 */
export function playgroundHtml(options: PlaygroundHtmlOptions): string {
  const nonce = options.nonce ?? newNonce();
  const csp = [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource} 'nonce-${nonce}'`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}' ${options.cspSource}`,
    // The highlighting worker: its script is fetched from the built assets and started from a blob: URL.
    `connect-src ${options.cspSource}`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const loader =
    `addEventListener('load', () => { const s = document.createElement('script'); s.type = 'module'; ` +
    `s.nonce = ${scriptValue(nonce)}; s.src = ${scriptValue(options.scriptUri)}; document.body.append(s); }, { once: true });`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${options.style.replace(/<\/style/gi, '<\\/style')}</style>
<script nonce="${nonce}">${loader}</script>
<title>Switchboard Playground</title>
</head>
<body>
<div id="app" class="app" aria-busy="true">${composerMarkup(options.sendShortcut ?? 'Ctrl+Enter')}</div>
</body>
</html>
`;
}
