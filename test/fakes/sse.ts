/** Reads server-sent events back in tests: enough of the SSE format for what providers and the gateway send. */

export interface SseEvent {
  /** The `event:` name, when the frame has one. */
  event?: string;
  /** The `data:` lines, joined with "\n". */
  data: string;
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split('\n\n')) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event !== undefined || data.length) events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** Reads a response body chunk by chunk until it ends or breaks; returns what arrived and the error, if any. */
export async function readUntilError(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode() };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}
