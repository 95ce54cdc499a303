import type { WebviewMessage } from '../../src/shared/playground-protocol';

/** What VS Code gives a webview's script (once per page). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const acquireApi = (): VsCodeApi => acquireVsCodeApi();

/** The only way the app talks to its host: typed by the protocol the host validates against. */
export const send = (api: VsCodeApi, message: WebviewMessage): void => api.postMessage(message);
