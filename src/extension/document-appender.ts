import * as vscode from 'vscode';

/**
 * Appends streamed text to the end of a document. Deltas that arrive while an edit is being applied are
 * coalesced into the next edit, so a fast stream costs few edits and the order is kept.
 */
export class DocumentAppender {
  private pending = '';
  private flushing: Promise<void> | undefined;
  private failed = false;

  constructor(private readonly document: vscode.TextDocument) {}

  append(text: string): void {
    if (!text || this.failed) return;
    this.pending += text;
    this.flushing ??= this.flush();
  }

  /** Resolves once everything appended so far is in the document. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending && !this.failed) {
        const text = this.pending;
        this.pending = '';
        const edit = new vscode.WorkspaceEdit();
        edit.insert(this.document.uri, this.document.positionAt(this.document.getText().length), text);
        // A closed or read-only document refuses edits: stop writing to it rather than fail the request.
        if (!(await vscode.workspace.applyEdit(edit))) this.failed = true;
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
