import type { ContentPart, Message } from '../../core/types';
import type { RunRequest, SnippetFormat } from '../../shared/playground-protocol';

/** The variable the snippets read the local gateway's bearer token from; never the token itself. */
export const TOKEN_ENV = 'SWITCHBOARD_GATEWAY_TOKEN';

const userContent = (content: string | ContentPart[]) =>
  typeof content === 'string'
    ? content
    : content.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: p.url } }));

function wireMessage(message: Message): Record<string, unknown> {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: userContent(message.content) };
    case 'assistant':
      return { role: 'assistant', content: typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('') };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/** The request as an OpenAI Chat Completions body, which the local gateway (and the `openai` SDK) speak. */
export function chatCompletionBody(request: RunRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model };
  const messages = request.messages.map(wireMessage);
  body.messages = request.system ? [{ role: 'system', content: request.system }, ...messages] : messages;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop?.length) body.stop = request.stop;
  const format = request.responseFormat;
  if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: format.name, schema: format.schema, ...(format.strict === undefined ? {} : { strict: format.strict }) },
    };
  }
  return body;
}

/** A Python literal of a JSON value: JSON, except for true, false and null. */
function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  const end = ' '.repeat(indent);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => `${pad}${pythonLiteral(v, indent + 4)},`).join('\n')}\n${end}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)},`).join('\n')}\n${end}}`;
  }
  return JSON.stringify(value);
}

/**
 * Code that sends `request` to the local REST gateway at `baseUrl` (e.g. `http://127.0.0.1:4141`), reading the
 * token from the environment. Start the gateway with "Switchboard: Start Local Gateway" (or `switchboard serve`).
 */
export function snippet(format: SnippetFormat, request: RunRequest, baseUrl: string): string {
  const body = chatCompletionBody(request);
  const base = baseUrl.replace(/\/+$/, '');
  const tokenHint = `The local gateway's token: "Switchboard: Show Gateway Token", or \`switchboard token\`.`;
  switch (format) {
    case 'curl':
      // The body goes through stdin: no shell quoting to get wrong, and no argument-length limit for images.
      return [
        `# ${tokenHint}`,
        `curl -sS ${base}/v1/chat/completions \\`,
        `  -H "Authorization: Bearer $${TOKEN_ENV}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  --data-binary @- <<'JSON'`,
        JSON.stringify(body, null, 2),
        'JSON',
        '',
      ].join('\n');
    case 'node':
      return [
        `// npm install openai. ${tokenHint}`,
        `import OpenAI from 'openai';`,
        '',
        `const client = new OpenAI({ baseURL: '${base}/v1', apiKey: process.env.${TOKEN_ENV} });`,
        '',
        `const completion = await client.chat.completions.create(${JSON.stringify(body, null, 2)});`,
        'console.log(completion.choices[0].message.content);',
        '',
      ].join('\n');
    case 'python':
      return [
        `# pip install openai. ${tokenHint}`,
        'import os',
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url="${base}/v1", api_key=os.environ["${TOKEN_ENV}"])`,
        '',
        `completion = client.chat.completions.create(**${pythonLiteral(body)})`,
        'print(completion.choices[0].message.content)',
        '',
      ].join('\n');
  }
}
