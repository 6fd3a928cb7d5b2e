/** The child process of drawSamplesInChild (samplerChild.ts): draws the samples and sends them back once. */
import * as fs from 'fs';
import * as path from 'path';
import { drawSamples } from './sampling';
import { maskLine, maskedImports } from '../masking';
import { useShippedAssets } from '../indexRun';
import { languageForPath } from '../../src/core/context/languages';
import type { ImportRef } from '../../src/core/context/structure';
import type { SamplerInit, SamplerReply } from './samplerChild';

/** Files whose text the child keeps (the oracles read a sample's file, its gold file and its candidates in turn). */
const TEXT_CACHE_FILES = 48;

async function run(init: SamplerInit): Promise<SamplerReply> {
  useShippedAssets();
  const cache = new Map<string, string | undefined>();
  const readText = (p: string) => {
    if (cache.has(p)) {
      const t = cache.get(p);
      cache.delete(p);
      cache.set(p, t);
      return t;
    }
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(init.repo, p), 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(p, text);
    if (cache.size > TEXT_CACHE_FILES) cache.delete(cache.keys().next().value as string);
    return text;
  };
  const log = (l: string) => console.error(l);
  const drawn = init.drawn ?? await drawSamples(init.repo, init.files, readText, init.count, init.seed, log, init.budgetMs, init.cursorFiles);
  const imports: Record<string, ImportRef[]> = {};
  for (const s of [...drawn.precise, ...drawn.ctags]) {
    const key = `${s.file}:${s.line}`;
    const text = readText(s.file);
    if (key in imports || text === undefined) continue;
    imports[key] = await maskedImports(languageForPath(s.file) ?? 'plaintext', maskLine(text, s.line).masked);
  }
  return { kind: 'done', result: { drawn, maskedImports: imports, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) } };
}

process.once('message', (init: SamplerInit) => {
  run(init).then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ kind: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies SamplerReply),
  );
});
process.on('disconnect', () => process.exit(0));
