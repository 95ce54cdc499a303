import { Lexer, type Token, type TokensList } from 'marked';

/** Tokens as `marked`'s parser takes them: an array that carries the reference links. */
export const asTokensList = (tokens: Token[], links: TokensList['links'] = {}): TokensList => Object.assign(tokens, { links });

export interface BlockUpdate {
  /** Blocks that later text can no longer change: render them once and keep them. */
  finished: TokensList;
  /** The last block, still growing: re-render it on every update. */
  tail: TokensList;
}

/**
 * Splits streamed Markdown into finished blocks and the block still being written, lexing only the text after
 * the last finished block. Every block but the last one of that text is finished: Markdown decides a block's
 * kind by what comes before it, so once another block has started, the earlier ones are settled. That keeps the
 * cost of an update proportional to the open block, not to the whole answer.
 */
export class BlockSplitter {
  private text = '';
  /** Characters of `text` already handed out as finished blocks. */
  private settled = 0;
  /** A `\r` at the end of a delta, held until the next one shows whether `\n` follows it. */
  private carriageReturn = false;

  append(delta: string): void {
    let chunk = (this.carriageReturn ? '\r' : '') + delta;
    this.carriageReturn = chunk.endsWith('\r');
    if (this.carriageReturn) chunk = chunk.slice(0, -1);
    this.text += chunk.replace(/\r\n?/g, '\n');
  }

  /** All text so far. */
  get source(): string {
    return this.text + (this.carriageReturn ? '\n' : '');
  }

  /** The finished blocks since the last update, and the open tail. */
  update(): BlockUpdate {
    const open = this.text.slice(this.settled);
    const tokens = new Lexer().lex(open);
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last].type === 'space') last--;
    if (last <= 0) return { finished: asTokensList([], tokens.links), tail: tokens };
    const finished = tokens.slice(0, last);
    const consumed = finished.map((t) => t.raw).join('');
    // The lexer's raw texts add up to its input; if they ever did not, settling nothing is always safe.
    if (!open.startsWith(consumed)) return { finished: asTokensList([], tokens.links), tail: tokens };
    this.settled += consumed.length;
    return { finished: asTokensList(finished, tokens.links), tail: asTokensList(tokens.slice(last), tokens.links) };
  }

  /** Everything not yet finished, as finished blocks: the stream ended. */
  finish(): TokensList {
    if (this.carriageReturn) {
      this.text += '\n';
      this.carriageReturn = false;
    }
    const tokens = new Lexer().lex(this.text.slice(this.settled));
    this.settled = this.text.length;
    return tokens;
  }
}
