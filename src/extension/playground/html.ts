import { randomBytes } from 'node:crypto';

export interface PlaygroundHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/media/playground.js and .css. */
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export const newNonce = (): string => randomBytes(18).toString('base64');

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The playground page. Its policy allows the bundled script and style (by nonce and by the webview's own
 * origin) and data: images (attachments), and nothing else: no inline code, no eval, no network, no remote
 * resources, so even a prompt-injected answer that slipped past the sanitizer could load or send nothing.
 */
export function playgroundHtml(options: PlaygroundHtmlOptions): string {
  const nonce = options.nonce ?? newNonce();
  const csp = [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource} 'nonce-${nonce}'`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttr(options.styleUri)}">
<title>Switchboard Playground</title>
</head>
<body>
<div id="app" class="app" aria-busy="true"></div>
<script nonce="${nonce}" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}
