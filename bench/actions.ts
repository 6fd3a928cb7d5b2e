/**
 * Action prompt benchmark (no model needed): on real code (the corpora in .corpora/, or --repo dirs), pick random
 * cursor positions inside functions, select the target with tree-sitter and build the Refactor prompt for Phi-4's 16K
 * window (2,048-token answer reserve). Only files bigger than the prompt budget are sampled (`--all` for every file):
 * those are where packing decides what the model sees. Measures, for the exact-count packer and two baselines in the same run:
 * how often the prompt overflows the budget, how much of the budget it uses, and the extension-side time.
 *   - chars/4: the surrounding code cut by a 4-characters-per-token estimate (a common shortcut)
 *   - 100 lines: 100 lines around the target (line-count context, as Twinny does)
 *
 *   npx tsx bench/actions.ts [--repo <dir>]... [--samples 200] [--seed 1]
 * Last line: one JSON object.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from '../src/core/context/parser';
import { languageForPath } from '../src/core/context/languages';
import { enclosingTarget } from '../src/core/actions/target';
import { buildRewritePrompt, promptBudget, type RewritePromptInput } from '../src/core/actions/prompts';
import { countTokens } from '../src/core/tokens';
import { renderPhi4 } from '../src/core/prompt/phi4';

const WINDOW = 16384;
const ANSWER = 2048;
const MAX_FILE = 512 * 1024;

function args() {
  const argv = process.argv.slice(2);
  const all = (k: string) => argv.flatMap((a, i) => (a === `--${k}` ? [argv[i + 1]!] : []));
  const one = (k: string, d: number) => Number(all(k)[0] ?? d);
  let repos = all('repo');
  if (!repos.length) {
    const corpora = path.join(__dirname, '..', '.corpora');
    repos = fs.existsSync(corpora) ? fs.readdirSync(corpora).map((d) => path.join(corpora, d)) : [];
  }
  if (!repos.length) {
    console.error('no corpus: run `npm run corpora` or pass --repo <dir>');
    process.exit(2);
  }
  return { repos, samples: one('samples', 200), seed: one('seed', 1), all: argv.includes('--all') };
}

function files(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') files(p, out);
    else if (e.isFile() && languageForPath(p) && fs.statSync(p).size < MAX_FILE && !/\.d\.ts$/.test(p)) out.push(p);
  }
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0;
}

/** The same message layout with the surrounding code chosen by a baseline instead of exact counts. */
function baselinePrompt(input: RewritePromptInput, before: string, after: string): number {
  const user =
    `The surrounding code in ${input.doc.relPath}:\n\`\`\`\n${before}<<TARGET>>${after}\n\`\`\`\n\n` +
    `The code to change:\n\`\`\`\n${input.doc.text.slice(input.target.start, input.target.end)}\n\`\`\`\n\nRefactor: simplify it.`;
  return countTokens(renderPhi4([{ role: 'system', content: 'You are Phi Coder. Reply with one code block.' }, { role: 'user', content: user }]));
}

async function main() {
  const { repos, samples, seed, all } = args();
  const budgetTokens = promptBudget(WINDOW, ANSWER);
  // A file under 40 KB cannot exceed ~14K tokens by much; count the rest exactly.
  const pool = repos.flatMap((r) => files(r)).filter((f) => all || (fs.statSync(f).size > 40_000 && countTokens(fs.readFileSync(f, 'utf8')) > budgetTokens));
  const random = rng(seed);
  const budget = promptBudget(WINDOW, ANSWER);
  const ours = { ms: [] as number[], targetMs: [] as number[], util: [] as number[], overflow: 0, tooLarge: 0 };
  const chars = { util: [] as number[], overflow: 0 };
  const lines = { util: [] as number[], overflow: 0 };
  let attempts = 0;
  while (ours.util.length + ours.tooLarge < samples && attempts < samples * 50) {
    attempts++;
    const file = pool[Math.floor(random() * pool.length)]!;
    const text = fs.readFileSync(file, 'utf8');
    const languageId = languageForPath(file)!;
    const t0 = performance.now();
    const tree = await parse(languageId, text, { timeoutMs: 2000 });
    if (!tree) continue;
    const target = enclosingTarget(tree, languageId, text, Math.floor(random() * text.length));
    tree.delete();
    if (!target || target.kind !== 'function') continue;
    const t1 = performance.now();
    const input: RewritePromptInput = { action: 'refactor', doc: { relPath: path.basename(file), languageId, text }, target, instruction: 'simplify', window: WINDOW, answerTokens: ANSWER };
    let built;
    try {
      built = buildRewritePrompt(input);
    } catch {
      ours.tooLarge++;
      continue;
    }
    const t2 = performance.now();
    ours.targetMs.push(t1 - t0);
    ours.ms.push(t2 - t0);
    ours.util.push(Math.min(1, built.promptTokens / budget));
    if (built.promptTokens > budget) ours.overflow++;
    // chars/4 baseline: the budget left after the target, in characters, 2/3 before and 1/3 after.
    const targetTokens = countTokens(text.slice(target.start, target.end));
    const roomChars = Math.max(0, (budget - targetTokens - 100) * 4);
    const cb = baselinePrompt(input, text.slice(Math.max(0, target.start - Math.floor((roomChars * 2) / 3)), target.start), text.slice(target.end, target.end + Math.floor(roomChars / 3)));
    chars.util.push(Math.min(1, cb / budget));
    if (cb > budget) chars.overflow++;
    // 100-lines baseline: 66 lines before, 34 after.
    const beforeLines = text.slice(0, target.start).split('\n');
    const afterLines = text.slice(target.end).split('\n');
    const lb = baselinePrompt(input, beforeLines.slice(-66).join('\n'), afterLines.slice(0, 34).join('\n'));
    lines.util.push(Math.min(1, lb / budget));
    if (lb > budget) lines.overflow++;
  }
  const n = ours.util.length;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const result = {
    benchmark: 'actions-prompt',
    corpus: repos.map((r) => path.basename(r)),
    files: pool.length,
    samples: n,
    targetsTooLarge: ours.tooLarge,
    window: WINDOW,
    answerReserve: ANSWER,
    budget,
    onlyFilesOverBudget: !all,
    ours: {
      overflowRate: ours.overflow / n,
      meanBudgetUse: +mean(ours.util).toFixed(3),
      targetSelectMsP50: +pct(ours.targetMs, 0.5).toFixed(2),
      targetSelectMsP95: +pct(ours.targetMs, 0.95).toFixed(2),
      totalMsP50: +pct(ours.ms, 0.5).toFixed(2),
      totalMsP95: +pct(ours.ms, 0.95).toFixed(2),
    },
    chars4Baseline: { overflowRate: +(chars.overflow / n).toFixed(3), meanBudgetUse: +mean(chars.util).toFixed(3) },
    lines100Baseline: { overflowRate: +(lines.overflow / n).toFixed(3), meanBudgetUse: +mean(lines.util).toFixed(3) },
  };
  console.log(`ours: ${n} prompts, ${ours.overflow} over budget; chars/4: ${chars.overflow} over; 100 lines: ${lines.overflow} over`);
  console.log(JSON.stringify(result));
}

void main();
