/** The child process of drawSamplesInChild (samplerChild.ts): draws the samples and sends them back once. */
import { drawSamples } from './sampling';
import { recentFileTexts } from '../fileTexts';
import { maskLine, maskedImports } from '../masking';
import { useShippedAssets } from '../indexRun';
import { languageForPath } from '../../src/core/context/languages';
import type { ImportRef } from '../../src/core/context/structure';
import type { SamplerInit, SamplerReply } from './samplerChild';

/** Files whose text the child keeps (the oracles read a sample's file, its gold file and its candidates in turn). */
const TEXT_CACHE_FILES = 48;

async function run(init: SamplerInit): Promise<SamplerReply> {
  useShippedAssets();
  const readText = recentFileTexts(init.repo, TEXT_CACHE_FILES);
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
