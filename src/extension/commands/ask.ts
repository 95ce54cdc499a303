import * as vscode from 'vscode';
import type { Services } from '../services';
import { streamAnswer, type AnswerOutcome } from './answer';

/** Arguments for running the commands without their input boxes (keybindings, other extensions, tests). */
export interface AskArgs {
  prompt?: string;
  /** A model id or alias; the `switchboard.model` setting when absent. */
  model?: string;
}

const quote = (text: string): string =>
  text
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

/** A code fence longer than any backtick run inside `code`. */
const fenceFor = (code: string): string => '`'.repeat(Math.max(3, ...[...code.matchAll(/`+/g)].map((m) => m[0].length + 1)));

/** Switchboard: Ask: a prompt from an input box; the answer streams into a new Markdown editor. */
export async function ask(services: Services, args: AskArgs = {}): Promise<AnswerOutcome | undefined> {
  const model = args.model ?? services.settings.current.model;
  const prompt =
    args.prompt ??
    (await vscode.window.showInputBox({
      title: `Ask ${model}`,
      prompt: 'The answer streams into a new editor.',
      placeHolder: 'Ask anything',
      ignoreFocusOut: true,
    }));
  if (!prompt?.trim()) return undefined;
  return streamAnswer(services, {
    request: { model, messages: [{ role: 'user', content: prompt }] },
    heading: `${quote(prompt)}\n\n`,
    viewColumn: vscode.ViewColumn.Active,
  });
}

/** Switchboard: Ask About Selection: the selection (or the whole file) goes with the question; the answer opens beside. */
export async function askAboutSelection(services: Services, args: AskArgs = {}): Promise<AnswerOutcome | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Switchboard: open a file, and select code to ask about (or nothing, for the whole file).');
    return undefined;
  }
  const { document, selection } = editor;
  const whole = selection.isEmpty;
  const code = whole ? document.getText() : document.getText(selection);
  const path = vscode.workspace.asRelativePath(document.uri);
  const where = whole ? path : `${path}, lines ${selection.start.line + 1}-${selection.end.line + 1}`;
  const model = args.model ?? services.settings.current.model;
  const prompt =
    args.prompt ??
    (await vscode.window.showInputBox({
      title: `Ask ${model} about ${whole ? path : 'the selection'}`,
      prompt: `The ${whole ? 'file' : 'selected code'} goes with your question; the answer opens beside it.`,
      placeHolder: 'What does this do?',
      ignoreFocusOut: true,
    }));
  if (!prompt?.trim()) return undefined;
  const fence = fenceFor(code);
  const content = `${prompt}\n\nThe code, from ${where}:\n\n${fence}${document.languageId}\n${code}\n${fence}`;
  return streamAnswer(services, {
    request: { model, messages: [{ role: 'user', content }] },
    heading: `${quote(prompt)}\n>\n> _About ${where}_\n\n`,
    viewColumn: vscode.ViewColumn.Beside,
  });
}
