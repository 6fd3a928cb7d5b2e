/**
 * Renders a streaming answer into an element with work that does not grow with the answer. The parts before the
 * splitter's stable cuts are rendered once and stay in the DOM; a code fence opened in the first column grows line by
 * line (new complete lines are highlighted and appended, the unfinished last line is plain text); only an open run of
 * prose is re-rendered, paced, and shown as plain text while it is longer than a limit. `finish` renders what is still
 * open and keeps everything else, so the final DOM is the one a render of the whole answer gives (the webview tests check
 * this) without re-rendering it; only an answer with link reference definitions, which reach across the whole text, is
 * rendered whole at the end, and only while it is small.
 *
 * Everything reaches the DOM through renderMarkdown / highlightLines (sanitised) or as text nodes.
 */
import { highlightLines, renderMarkdown, type CodeBlock } from './markdown';
import { StreamSplitter, type SplitEvent } from './streamSplit';
import { CHAT_TAIL_PACING, RedrawPacer } from '../shared/redrawPacer';

/** Adds the buttons to one rendered code block. */
export type DecorateBlock = (blockEl: HTMLElement, block: CodeBlock) => void;

/** Open prose longer than this is shown as plain text until it gets a cut or the answer ends. */
export const OPEN_PROSE_LIMIT = 32 * 1024;
/** Code lines left unhighlighted because a comment or string is still open are highlighted anyway past this size. */
export const OPEN_CODE_PENDING_LIMIT = 16 * 1024;
/** An answer with link reference definitions is rendered whole at the end only up to this size. */
export const WHOLE_RENDER_LIMIT = 64 * 1024;

/** A streamed code block is laid out in blocks of about this many characters, so appending relays out only the last. */
const CODE_CHUNK_CHARS = 4096;
/**
 * The answer is laid out in `div.md-part` blocks of about this many top-level nodes: a block with thousands of children
 * costs the browser O(children) to lay out again whenever one is appended.
 */
const PART_NODES = 48;

interface OpenCode {
  /** Where the fence's opening line starts. */
  start: number;
  language: string;
  /** The fence's marker: a partial last line that may close the fence with it is not shown as code. */
  marker: string;
  codeStart: number;
  /** The code before this offset is highlighted in the DOM. */
  committed: number;
  code: HTMLElement;
  /** The block the next highlighted lines go into (`span.code-chunk`, display: block) and where it starts. */
  chunk: HTMLElement;
  chunkStart: number;
  /** text.slice(committed, shown): lines not highlighted yet and the unfinished line, as plain text (in `chunk`). */
  plain: Text;
  shown: number;
}

/** Fill `into` with sanitised markdown and decorate its code blocks (in document order, as renderMarkdown lists them). */
export function renderInto(into: HTMLElement | DocumentFragment, markdown: string, decorate: DecorateBlock): number {
  const rendered = renderMarkdown(markdown);
  const holder = document.createElement('div');
  holder.innerHTML = rendered.html; // sanitised by DOMPurify in renderMarkdown
  const elements = holder.querySelectorAll<HTMLElement>('.code-block');
  elements.forEach((el, i) => {
    const block = rendered.blocks[i];
    if (block) decorate(el, block);
  });
  const count = holder.childNodes.length;
  into.append(...holder.childNodes);
  return count;
}

export class StreamRenderer {
  /** The answer so far with markdown-it's normalisation (CR and CRLF to LF, NUL to U+FFFD). */
  private text = '';
  private rawSeen = 0;
  private afterCR = false;
  private readonly splitter = new StreamSplitter();
  /** The text before this offset is in the DOM for good. */
  private rendered = 0;
  /** First node of what is re-rendered (the open prose), or null. */
  private openFrom: ChildNode | null = null;
  private plainProse: { node: Text; shown: number } | undefined;
  private code: OpenCode | undefined;
  private readonly pacer = new RedrawPacer(CHAT_TAIL_PACING);
  /** The part new nodes go into, and how many stable nodes it holds. */
  private part: HTMLElement | undefined;
  private partNodes = 0;
  /** Stable text waiting to be rendered in one go (cuts found in one update are rendered together). */
  private stableEnd = 0;

  constructor(private readonly el: HTMLElement, private readonly decorate: DecorateBlock) {}

  /** The part to append to; a new one once the current is full (only when nothing in it is open). */
  private target(): HTMLElement {
    if (!this.part || (this.partNodes >= PART_NODES && !this.openFrom && !this.code)) {
      this.part = document.createElement('div');
      this.part.className = 'md-part';
      this.partNodes = 0;
      this.el.append(this.part);
    }
    return this.part;
  }

  /**
   * Show `raw` (the answer so far; it only grows). Returns 0 when the view is up to date, else the milliseconds until
   * the open prose is due for its paced re-render (call again then).
   */
  update(raw: string, now = performance.now()): number {
    this.advance(raw);
    if (this.code) {
      this.growCode(false);
      return 0;
    }
    const size = this.text.length - this.rendered;
    if (size > OPEN_PROSE_LIMIT) {
      this.showPlainProse();
      return 0;
    }
    const wait = this.pacer.wait(now, size);
    if (wait > 0 && this.openFrom) return wait;
    this.renderOpenProse();
    this.pacer.drew(now, performance.now());
    return 0;
  }

  /** The answer is complete: render what is still open, keep the rest. */
  finish(raw: string): void {
    this.advance(raw);
    if (this.text !== '' && !this.text.endsWith('\n')) {
      // The last line is complete now (it may close a fence): let the splitter see its end.
      this.splitter.advance(`${this.text}\n`);
      this.applyEvents();
    }
    if (this.code) {
      this.growCode(true);
      this.closeCode(this.text.length);
      this.code = undefined;
    } else {
      this.renderOpenProse();
    }
    this.openFrom = null;
    if (this.splitter.sawReference && this.text.length <= WHOLE_RENDER_LIMIT) {
      this.el.replaceChildren();
      this.part = undefined;
      renderInto(this.target(), this.text, this.decorate);
    }
  }

  private advance(raw: string): void {
    this.consume(raw);
    this.applyEvents();
  }

  private applyEvents(): void {
    const events = this.splitter.drain();
    // A fence that opens and closes within one update is stable text like the rest (the cuts around it cover it).
    const closedNow = new Set(events.flatMap((e) => (e.kind === 'close' ? [e.start] : [])));
    for (const event of events) {
      if (event.kind === 'cut') this.stableEnd = Math.max(this.stableEnd, event.at);
      else if (!closedNow.has(event.start) || (event.kind === 'close' && this.code?.start === event.start)) this.apply(event);
    }
    if (this.stableEnd > this.rendered) this.renderStable(this.stableEnd);
  }

  private consume(raw: string): void {
    if (raw.length <= this.rawSeen) return;
    let add = raw.slice(this.rawSeen);
    this.rawSeen = raw.length;
    if (this.afterCR && add[0] === '\n') add = add.slice(1);
    this.afterCR = add.endsWith('\r');
    this.text += add.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
    this.splitter.advance(this.text);
  }

  private apply(event: Exclude<SplitEvent, { kind: 'cut' }>): void {
    if (event.kind === 'open') {
      this.renderStable(event.start);
      this.openCode(event.start, event.codeStart);
    } else if (this.code) {
      // The fence closed: highlight what is left of its code; the block is now stable.
      this.growCode(true, event.codeEnd);
      this.closeCode(event.codeEnd);
      this.code = undefined;
      this.rendered = event.end;
    }
  }

  /** Render text.slice(rendered, end) once, replacing the open prose that covered it. */
  private renderStable(end: number): void {
    this.removeOpen();
    if (end > this.rendered) this.partNodes += renderInto(this.target(), this.text.slice(this.rendered, end), this.decorate);
    this.rendered = end;
    this.stableEnd = Math.max(this.stableEnd, end);
  }

  private removeOpen(): void {
    while (this.openFrom) {
      const next = this.openFrom.nextSibling;
      this.openFrom.remove();
      this.openFrom = next;
    }
    this.plainProse = undefined;
  }

  private renderOpenProse(): void {
    this.removeOpen();
    if (this.rendered >= this.text.length) return;
    const part = this.target();
    const last = part.lastChild;
    renderInto(part, this.text.slice(this.rendered), this.decorate);
    this.openFrom = last ? last.nextSibling : part.firstChild;
  }

  /** Open prose too long to re-render: plain text, growing by what arrived. */
  private showPlainProse(): void {
    if (!this.plainProse) {
      this.removeOpen();
      const node = document.createTextNode('');
      const p = document.createElement('p');
      p.className = 'md-plain';
      p.append(node);
      this.target().append(p);
      this.openFrom = p;
      this.plainProse = { node, shown: this.rendered };
    }
    const pp = this.plainProse;
    pp.node.appendData(this.text.slice(pp.shown));
    pp.shown = this.text.length;
  }

  /** A fence opened in the first column: its shell (toolbar, language) is the fence renderer's own. */
  private openCode(start: number, codeStart: number): void {
    const shell = renderMarkdown(this.text.slice(start, codeStart));
    const holder = document.createElement('div');
    holder.innerHTML = shell.html; // sanitised by DOMPurify in renderMarkdown
    const code = holder.querySelector<HTMLElement>('.code-block code');
    if (!code) throw new Error('a fence rendered without a code element');
    const plain = document.createTextNode('');
    const chunk = codeChunk();
    chunk.append(plain);
    code.append(chunk);
    const part = this.target();
    const last = part.lastChild;
    this.partNodes += holder.childNodes.length;
    part.append(...holder.childNodes);
    this.openFrom = last ? last.nextSibling : part.firstChild;
    const marker = /^(`+|~+)/.exec(this.text.slice(start, codeStart))?.[1] ?? '```';
    this.code = { start, language: shell.blocks[0]?.language ?? '', marker, codeStart, committed: codeStart, code, chunk, chunkStart: codeStart, plain, shown: codeStart };
    this.rendered = start;
  }

  /**
   * Highlight the complete lines that arrived (up to `end` when the fence closed, everything when `all`) once the
   * highlighter is back at its root after them, and show the rest as plain text.
   */
  private growCode(all: boolean, end?: number): void {
    const c = this.code!;
    const upTo = end ?? (all ? this.text.length : this.splitter.completeEnd);
    if (upTo > c.committed) {
      const lines = this.text.slice(c.committed, upTo);
      const { html, closed } = highlightLines(lines, c.language);
      if (closed || all || lines.length > OPEN_CODE_PENDING_LIMIT) {
        if (c.committed - c.chunkStart >= CODE_CHUNK_CHARS) {
          c.chunk = codeChunk();
          c.chunkStart = c.committed;
          c.code.append(c.chunk);
          c.chunk.append(c.plain);
        }
        const holder = document.createElement('span');
        holder.innerHTML = html; // sanitised by DOMPurify in highlightLines
        for (const node of [...holder.childNodes]) c.chunk.insertBefore(node, c.plain);
        c.committed = upTo;
        c.plain.data = '';
        c.shown = upTo;
      }
    }
    let visibleEnd = end ?? this.text.length;
    // A last line that closes the fence once its newline arrives is not shown as code.
    const lineStart = Math.max(c.committed, this.splitter.completeEnd);
    if (!all && end === undefined && visibleEnd - lineStart < 64 && isCloser(this.text.slice(lineStart, visibleEnd), c.marker)) {
      visibleEnd = lineStart;
      if (c.shown > lineStart) {
        c.plain.data = this.text.slice(c.committed, lineStart);
        c.shown = lineStart;
      }
    }
    if (visibleEnd > c.shown) {
      c.plain.appendData(this.text.slice(c.shown, visibleEnd));
      c.shown = visibleEnd;
    }
  }

  /** The block's code is complete (it ends at `codeEnd`): drop the plain remainder and add the buttons. */
  private closeCode(codeEnd: number): void {
    const c = this.code!;
    c.plain.remove();
    const blockEl = c.code.closest<HTMLElement>('.code-block');
    if (blockEl) this.decorate(blockEl, { code: this.text.slice(c.codeStart, codeEnd).replace(/\n$/, ''), language: c.language });
    this.openFrom = null;
  }
}

function codeChunk(): HTMLElement {
  const chunk = document.createElement('span');
  chunk.className = 'code-chunk';
  return chunk;
}

/** A line that closes a fence of `marker` (up to 3 spaces, the marker or longer, blanks). */
function isCloser(line: string, marker: string): boolean {
  const m = /^ {0,3}([`~]+)[ \t]*$/.exec(line);
  return !!m && m[1][0] === marker[0] && m[1].length >= marker.length;
}
