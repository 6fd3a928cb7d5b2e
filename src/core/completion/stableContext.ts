/**
 * Cross-file context for completions, kept STABLE across keystrokes: the packed text only changes when the cursor
 * moves to another region of the file (REGION_LINES) or another file, so the prompt's beginning (and the server's
 * KV cache) survives typing. Refreshes run in the background; a request never waits for one once the file has
 * context (stale-while-revalidate), and waits at most FIRST_WAIT_MS for a file's first context.
 */
import type { Logger } from '../log';
import type { ContextEngine, DocumentSnapshot } from '../context/types';

export const REGION_LINES = 48;
export const FIRST_WAIT_MS = 40;

interface Entry {
  region: number;
  text: string;
  tokens: number;
}

export class StableContext {
  private readonly byPath = new Map<string, Entry>();
  private refreshing: string | undefined;

  constructor(
    private readonly engine: ContextEngine | undefined,
    private readonly logger: Logger,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The context text to put in the prompt for this cursor ('' when none yet). */
  async get(doc: DocumentSnapshot, cursorLine: number, budgetTokens: number): Promise<{ text: string; tokens: number; fresh: boolean }> {
    if (!this.engine || budgetTokens <= 0) return { text: '', tokens: 0, fresh: true };
    const region = Math.floor(cursorLine / REGION_LINES);
    const have = this.byPath.get(doc.path);
    if (have && have.region === region) return { text: have.text, tokens: have.tokens, fresh: true };
    const refresh = this.refresh(doc, region, budgetTokens);
    if (have) return { text: have.text, tokens: have.tokens, fresh: false };
    const first = await Promise.race([refresh.then(() => true), this.wait(FIRST_WAIT_MS).then(() => false)]);
    const now = this.byPath.get(doc.path);
    return now ? { text: now.text, tokens: now.tokens, fresh: first } : { text: '', tokens: 0, fresh: false };
  }

  private async refresh(doc: DocumentSnapshot, region: number, budgetTokens: number): Promise<void> {
    const key = `${doc.path}#${region}`;
    if (this.refreshing === key) return;
    this.refreshing = key;
    try {
      const packed = await this.engine!.assemble({ doc, budgetTokens, purpose: 'completion', fileFits: false });
      // The engine was restarting: nothing to keep (the next request asks again, instead of this region keeping nothing).
      if (packed.fallback === 'engine-unavailable') return;
      this.byPath.set(doc.path, { region, text: packed.text, tokens: packed.tokens });
      if (this.byPath.size > 50) this.byPath.delete(this.byPath.keys().next().value as string);
    } catch (err) {
      this.logger.warn(`completion context for ${doc.relPath} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (this.refreshing === key) this.refreshing = undefined;
    }
  }

  /**
   * What the engine knows about `path` changed (the language server's hints): the next request for it refreshes its
   * context in the background, and uses the one it has meanwhile (as after a move to another region).
   */
  invalidate(path: string): void {
    const had = this.byPath.get(path);
    if (had) had.region = -1;
  }

  clear(): void {
    this.byPath.clear();
  }
}
