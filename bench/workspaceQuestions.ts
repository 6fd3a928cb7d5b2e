/**
 * `@workspace` question benchmark (no model needed): can the retrieval find the function a question is about?
 *
 *   npm run bench:workspace -- --repo <dir> [--budget 3000] [--samples 150] [--seed 1] [--misses N]
 *
 * Questions come from the corpus itself: a documented definition (a comment block right above it, or a Python docstring) becomes "where is <the doc's first sentence> done?", with the function's own name taken out of the question.
 * That function is the gold. The doc text is then blanked from the indexed copy of its file for the sample (line numbers
 * kept), so the retrieval cannot match the question against the very words it was made from: it has to find the
 * function through its name, its file's path and its code, as it would for a question a person wrote.
 *
 * Methods, on the same samples and budget, counted the same way (a packed item of the gold's file that shows the gold's
 * definition line, or its head through the name):
 *   - ours: QuestionSearch + packQuestionHits (what the chat's @workspace sends);
 *   - cursor_random / cursor_same_dir: the earlier @workspace, the context engine's packing around a cursor, with the
 *     cursor in the middle of a random file of the gold's language / of a random other file in the gold's folder (the user
 *     working near the code asked about). Last line: one JSON object.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExclusionRules } from '../src/core/context/exclude';
import { nodeWorkspaceFs } from '../src/core/context/workspaceFs';
import { WorkspaceIndex, type IndexedFile, type IndexedTag, type TagRef } from '../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../src/core/context/engine';
import { QuestionSearch, isTestInputPath, isTestPath, packQuestionHits, sameModule } from '../src/core/context/questionSearch';
import type { ContextItem } from '../src/core/context/types';
import { rng } from './rng';
import { argValue } from './args';
import { percentile as nearestRank } from './typing/stats';

const percentile = (xs: number[], p: number) => (xs.length ? nearestRank(xs, p) : 0);

interface Args {
  repo: string;
  budget: number;
  samples: number;
  seed: number;
  misses: number;
}

function parseArgs(argv: string[]): Args {
  const get = (k: string) => argValue(argv, k);
  const repo = get('repo');
  if (!repo) {
    console.error('usage: npm run bench:workspace -- --repo <dir> [--budget 3000] [--samples 150] [--seed 1] [--misses N]');
    process.exit(2);
  }
  return { repo: path.resolve(repo), budget: Number(get('budget') ?? 3000), samples: Number(get('samples') ?? 150), seed: Number(get('seed') ?? 1), misses: Number(get('misses') ?? 0) };
}

interface Sample {
  file: IndexedFile;
  tag: IndexedTag;
  question: string;
  /** 0-based lines of the doc text, blanked in the indexed copy. */
  docLines: number[];
  goldLine: string;
  /** Definitions of the same name elsewhere with the very same doc (a copied API): the question cannot tell them apart. */
  twins: TagRef[];
}

const COMMENT_LINE = /^\s*(?:\/\/\/?|#(?!\[)|\/\*\*?|\*\/|\*|--)\s?(.*?)\s*(?:\*\/)?\s*$/;
const DECORATOR_LINE = /^\s*(?:@\w|#\[)/;

/** The doc comment block right above `tag` (skipping attributes/decorators), as [lines, text]. */
function commentAbove(lines: readonly string[], tag: IndexedTag): [number[], string] | undefined {
  let i = tag.startLine - 1;
  while (i >= 0 && DECORATOR_LINE.test(lines[i])) i--;
  const at: number[] = [];
  const parts: string[] = [];
  for (; i >= 0 && at.length < 40; i--) {
    const m = COMMENT_LINE.exec(lines[i]);
    if (!m || !lines[i].trim()) break;
    at.unshift(i);
    parts.unshift(m[1]);
  }
  return at.length ? [at, parts.join('\n')] : undefined;
}

/** A Python-style docstring: the first statement of the body, a triple-quoted string. */
function docstringInside(lines: readonly string[], tag: IndexedTag): [number[], string] | undefined {
  for (let i = tag.line + 1; i <= Math.min(tag.endLine, tag.line + 6); i++) {
    const t = lines[i]?.trim() ?? '';
    if (!t) continue;
    const q = /^[rRuU]?("""|''')/.exec(t);
    if (!q) return undefined;
    const at: number[] = [];
    const parts: string[] = [];
    for (let j = i; j <= tag.endLine && at.length < 40; j++) {
      at.push(j);
      parts.push(lines[j].replace(/[rRuU]?("""|''')/g, ' '));
      if (j > i ? lines[j].includes(q[1]) : t.indexOf(q[1], q[0].length) >= 0) return [at, parts.join('\n')];
    }
    return undefined;
  }
  return undefined;
}

/** The doc's first sentence as a question, without the function's own name; undefined when too short to ask. */
function questionFrom(doc: string, name: string): string | undefined {
  // The doc's first paragraph: up to a blank line, a markdown heading, a code fence or a tag line (@param, :param).
  const paragraph: string[] = [];
  for (const line of doc.split('\n').map((l) => l.trim())) {
    if (/^(#|```|@|:\w+[ :])/.test(line) || (!line && paragraph.length)) break;
    if (line) paragraph.push(line);
  }
  const clean = paragraph.join(' ').replace(/<[^>]+>/g, ' ').replace(/\{@\w+\s+([^}]*)\}/g, '$1').replace(/(^|\s)@\w+.*$/s, ' ').replace(/[`*_]/g, ' ').replace(/\s+/g, ' ').trim();
  const first = clean.split(/(?<=[.!?])\s|:\s/)[0].replace(/[.!?:]$/, '');
  const words = first.split(' ').filter((w) => w.toLowerCase() !== name.toLowerCase() && !w.includes(name));
  if (words.filter((w) => /^[A-Za-z]{3,}$/.test(w)).length < 4 || words.length > 40) return undefined;
  if (/license|copyright|todo|fixme|deprecated|eslint|noqa|type:\s*ignore/i.test(first)) return undefined;
  return `Where is the code that ${words.join(' ').replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}?`;
}

const docOf = (lines: readonly string[], tag: IndexedTag) => commentAbove(lines, tag) ?? docstringInside(lines, tag);

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * True when a packed item shows the gold's definition line (or its head through the name), or another declaration of
 * the same name in the gold's file (an overload, the implementation after its overload signatures) or in a copy of the
 * same module (a package shipping `src/x.ts` beside `x.js` and `x.d.ts`: the same definition, found in any), or a twin
 * (the same name with the same doc in another file: `ErrInvalidParams` of a v1 and a v2 package, which one question
 * cannot tell apart; the packer shows one of two identical snippets).
 */
function hit(items: readonly ContextItem[], s: Sample, index: WorkspaceIndex): boolean {
  const line = norm(s.goldLine);
  const at = line.indexOf(s.tag.name);
  const head = at >= 0 ? line.slice(0, at + s.tag.name.length) : line;
  // Other declarations of the same name in the gold's file (overloads and their implementation) or in its copies.
  const copies = index
    .lookup(s.tag.name)
    .filter((r) => (r.file.path === s.file.path ? r.tag.line !== s.tag.line : sameModule(r.file.path, s.file.path) || s.twins.some((t) => t.file.path === r.file.path && t.tag.line === r.tag.line)));
  return items.some((it) => {
    if (copies.some((c) => c.file.path === it.path && it.startLine <= c.tag.line && norm(it.text).includes(c.tag.name))) return true;
    if (it.path !== s.file.path || it.startLine > s.tag.line) return false;
    const t = norm(it.text);
    return t.includes(line) || (head.length > 0 && t.includes(head));
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const random = rng(args.seed);
  const index = new WorkspaceIndex(nodeWorkspaceFs(args.repo), new ExclusionRules());
  const t0 = performance.now();
  await index.build();
  console.error(`index: ${index.size} files in ${(performance.now() - t0).toFixed(0)} ms`);
  const search = new QuestionSearch(index);
  const tw = performance.now();
  await search.warm();
  const warmMs = performance.now() - tw;
  console.error(`question terms of every file: ${warmMs.toFixed(0)} ms`);

  // Samples: one documented function or method per file, files in a seeded order.
  const files = [...index.allFiles()].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [files[i], files[j]] = [files[j], files[i]];
  }
  const samples: Sample[] = [];
  const asked = new Set<string>();
  const questionAt = (r: TagRef) => {
    try {
      const doc = docOf(fs.readFileSync(path.join(args.repo, r.file.path), 'utf8').split('\n'), r.tag);
      return doc && questionFrom(doc[1], r.tag.name);
    } catch {
      return undefined;
    }
  };
  for (const file of files) {
    if (samples.length >= args.samples) break;
    if (isTestPath(file.path)) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(args.repo, file.path), 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    const documented = file.tags.flatMap((tag) => {
      // A name defined in many files is a poor gold (which of them did the question mean?).
      if (new Set(index.lookup(tag.name).map((r) => r.file.path)).size > 3) return [];
      const doc = docOf(lines, tag);
      const question = doc && questionFrom(doc[1], tag.name);
      return doc && question ? [{ file, tag, question, docLines: doc[0], goldLine: lines[tag.line], twins: [] as TagRef[] }] : [];
    });
    const pick = documented.length ? documented[Math.floor(random() * documented.length)] : undefined;
    // A test's input (`testdata/`, `fixtures/`) is no gold: its comments say what a test checks ("false positives are
    // possible"), not what the code does. Skipped after the pick, so the other samples are drawn as before.
    if (pick && isTestInputPath(file.path)) continue;
    // One sample per question: copies of a module (src/, lib/, es6/, .d.ts) repeat the same doc.
    if (pick && !asked.has(pick.question)) {
      asked.add(pick.question);
      pick.twins = index.lookup(pick.tag.name).filter((r) => r.file.path !== file.path && questionAt(r) === pick.question);
      samples.push(pick);
    }
  }
  console.error(`samples: ${samples.length} questions`);

  const engine = new TreeSitterContextEngine({ index, sources: { similar: false, recentEdits: false } });
  const byLanguage = new Map<string, IndexedFile[]>();
  for (const f of files) byLanguage.set(f.language, [...(byLanguage.get(f.language) ?? []), f]);
  const cursorIn = async (f: IndexedFile) => {
    const text = fs.readFileSync(path.join(args.repo, f.path), 'utf8');
    const offset = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
    const doc = { path: path.join(args.repo, f.path), relPath: f.path, languageId: f.language, text, version: 1, offset };
    return (await engine.assemble({ doc, budgetTokens: args.budget, purpose: 'chat' })).items;
  };

  let ours = 0, cursorRandom = 0, cursorNear = 0, misses = 0;
  const searchMs: number[] = [];
  const ranks: number[] = [];
  const tokens: number[] = [];
  for (const s of samples) {
    const original = fs.readFileSync(path.join(args.repo, s.file.path), 'utf8');
    const lines = original.split('\n');
    for (const i of s.docLines) lines[i] = '';
    await index.updateText(s.file.path, lines.join('\n'));
    const current = index.file(s.file.path)!;
    const sample = { ...s, file: current };
    const ts = performance.now();
    const hitsAll = await search.search(s.question, 1000);
    const rank = hitsAll.findIndex((h) => h.ref.tag.name === s.tag.name && (sameModule(h.ref.file.path, s.file.path) || s.twins.some((t) => t.file.path === h.ref.file.path)));
    ranks.push(rank);
    const packed = packQuestionHits(await search.search(s.question), args.budget);
    searchMs.push(performance.now() - ts);
    tokens.push(packed.tokens);
    if (hit(packed.items, sample, index)) ours++;
    else if (misses++ < args.misses) {
      console.error(`MISS ${s.file.path}:${s.tag.line + 1} ${s.tag.name}\n  Q: ${s.question}\n  got: ${packed.found.slice(0, 5).map((f) => `${f.path}#${f.symbol} ${f.score} (${f.why})`).join('; ')}`);
    }
    const sameLanguage = (byLanguage.get(s.file.language) ?? []).filter((f) => f.path !== s.file.path);
    if (sameLanguage.length) {
      const other = sameLanguage[Math.floor(random() * sameLanguage.length)];
      if (hit(await cursorIn(other), sample, index)) cursorRandom++;
      const dir = path.dirname(s.file.path);
      const near = sameLanguage.filter((f) => path.dirname(f.path) === dir);
      const neighbour = near.length ? near[Math.floor(random() * near.length)] : other;
      if (hit(await cursorIn(neighbour), sample, index)) cursorNear++;
    }
    await index.updateText(s.file.path, original);
  }
  const n = Math.max(1, samples.length);
  const result = {
    benchmark: 'workspace-questions',
    repo: path.basename(args.repo),
    index_files: index.size,
    samples: samples.length,
    budget: args.budget,
    recall: +(ours / n).toFixed(3),
    recall_cursor_random: +(cursorRandom / n).toFixed(3),
    recall_cursor_same_dir: +(cursorNear / n).toFixed(3),
    tokens_p50: percentile(tokens, 50),
    search_ms_p50: +percentile(searchMs, 50).toFixed(1),
    search_ms_p95: +percentile(searchMs, 95).toFixed(1),
    terms_warm_ms: Math.round(warmMs),
  };
  const bucket = (lo: number, hi: number) => ranks.filter((r) => r >= lo && r < hi).length;
  console.error(`gold rank: 0-9 ${bucket(0, 10)}, 10-39 ${bucket(10, 40)}, 40-79 ${bucket(40, 80)}, 80-199 ${bucket(80, 200)}, 200+ ${bucket(200, 1e9)}, unmatched ${ranks.filter((r) => r < 0).length}`);
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
