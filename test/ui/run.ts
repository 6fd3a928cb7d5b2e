/**
 * Runs every test/ui/checks/*.check.ts (or those whose file name contains a filter) against one workbench page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiCheck, UiCheckResult, UiContext } from './harness';

/**
 * A check's `timeoutMs` is what it takes on a quiet machine; the run stops a check only at this multiple of it. This is
 * the stop for a hung check, not a performance target (every wait inside a check is for a state): a check stopped too
 * early keeps typing into the workbench in the background and spoils the next one, which happened on a loaded machine.
 */
const HUNG_CHECK_FACTOR = 3;

export async function runUiChecks(ctx: UiContext, filters: string[]): Promise<UiCheckResult[]> {
  const dir = path.join(__dirname, 'checks');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.check.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const results: UiCheckResult[] = [];
  for (const file of files) {
    const mod = (await import(path.join(dir, file))) as { check?: UiCheck };
    const check = mod.check;
    const t0 = Date.now();
    if (!check || typeof check.run !== 'function') {
      results.push({ file, name: file, ok: false, ms: 0, error: `${file} does not export \`check: UiCheck\`` });
      continue;
    }
    ctx.log(`ui: ${check.name} …`);
    try {
      await withTimeout(check.run(ctx), (check.timeoutMs ?? 60_000) * HUNG_CHECK_FACTOR, check.name);
      results.push({ file, name: check.name, ok: true, ms: Date.now() - t0 });
      ctx.log(`ui: ✓ ${check.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      const shot = await ctx.screenshot(`FAILED-${path.basename(file, '.check.ts')}`);
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      results.push({ file, name: check.name, ok: false, ms: Date.now() - t0, error, screenshot: shot });
      ctx.log(`ui: ✗ ${check.name} (${Date.now() - t0} ms)\n${error}${shot ? `\n  screenshot: ${shot}` : ''}`);
    }
  }
  return results;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`UI check "${name}" timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
