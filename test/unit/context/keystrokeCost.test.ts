/**
 * The per-keystroke shortcuts of the context engine give exactly what the plain computations give: the lines before
 * the cursor read backwards, an imported file's surface ranked from a per-file order, the cursor's line taken from
 * the editor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { rng } from '../../../bench/rng';
import { identifierWeights, importBonus, lastLines, linesAround, surfaceRanking, usageShares, wordsAround } from '../../../src/core/context/retrieval';
import { forEachWord } from '../../../src/core/context/similarity';
import { isKeyword } from '../../../src/core/context/keywords';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { RecentActivity } from '../../../src/core/context/activity';
import type { IndexedFile, IndexedTag, WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { tempWorkspaces } from './tempWorkspace';
import { forgetPartCounts, pack, type Candidate } from '../../../src/core/context/packing';
import { bestFirst, listCandidates, type CandidateInput } from '../../../src/core/context/candidateRuns';
import { NamespacePoolCache, cursorSubwords, memberCounts, namespaceFiles, namespaceMemberCandidates, qualifierUses, surfaceFor } from '../../../src/core/context/qualified';
import { ImportResolver } from '../../../src/core/context/resolveImports';
import { enclosingScopes } from '../../../src/core/context/structure';
import { subwordIdf, subwordRelevance } from '../../../src/core/context/subwords';
import type { CursorInfo } from '../../../src/core/context/retrieval';
import { countTokens, forgetCounts, minTokens, tokenizedCharacters } from '../../../src/core/tokens';

const workspace = tempWorkspaces('ctx-keys-');

test('lastLines: the last n lines before an offset, as splitting the whole prefix gives them', () => {
  const random = rng(13);
  const pieces = ['', 'a', '  foo(bar)', '\t}', 'x'.repeat(30), '// é ✓'];
  for (let round = 0; round < 400; round++) {
    const lines = Array.from({ length: Math.floor(random() * 30) }, () => pieces[Math.floor(random() * pieces.length)]);
    const text = lines.join('\n');
    const end = Math.floor(random() * (text.length + 1));
    const n = 1 + Math.floor(random() * 12);
    const expected = text.slice(0, end).split('\n').slice(-n).join('\n');
    assert.equal(lastLines(text, end, n), expected, JSON.stringify({ text, end, n }));
  }
});

test('lastLines with a floor: the same lines when they start at or after it, else cut there between words', () => {
  const text = 'head\n' + 'alpha beta '.repeat(20_000) + 'gamma\ntail';
  const end = text.length;
  assert.equal(lastLines(text, end, 1, 0), 'tail');
  assert.equal(lastLines(text, end, 1, end - 10), 'tail');
  const cut = lastLines(text, end, 3, end - 1000);
  assert.ok(cut.length <= 1000 && cut.endsWith('gamma\ntail'), 'no further back than the floor');
  assert.match(cut, /^(alpha|beta|\s)/, 'a word the floor falls inside of is skipped whole');
});

test('linesAround and wordsAround on a minified line: bounded reads around the cursor, the same lines in ordinary code', () => {
  const cursorAt = (text: string, offset: number) =>
    ({ relPath: 'a.js', languageId: 'javascript', text, offset, line: text.slice(0, offset).split('\n').length - 1, tags: [], imports: [], scopes: [], importedFiles: new Map(), reachableFiles: new Set<string>(), resolvedBindings: new Set<string>(), qualifiers: new Map() }) as CursorInfo;
  // Ordinary code: exactly the lines a split gives.
  const lines = Array.from({ length: 200 }, (_, i) => `  const v${i} = f${i % 7}(v${i - 1});`);
  const text = lines.join('\n');
  for (const line of [0, 1, 50, 199]) {
    const offset = lines.slice(0, line).join('\n').length + (line > 0 ? 1 : 0) + 4;
    const around = linesAround(cursorAt(text, offset), 3, 2);
    const first = Math.max(0, line - 3);
    assert.deepEqual(around, { text: lines.slice(first, line + 3).join('\n'), firstLine: first });
  }
  // The cursor at the start of a text that starts with a line break is on line 0 (lastIndexOf's fromIndex -1 is read as
  // 0: an earlier version found that first newline "before" the cursor and numbered the lines from -1).
  assert.deepEqual(linesAround(cursorAt('\nabc\ndef', 0), 3, 1), { text: '\nabc', firstLine: 0 });
  // A 3 MB line (a bundled library in a string, a minified file): the read stops tens of KB from the cursor, and no
  // identifier is cut in two (the words seen are whole words of the text).
  const huge = 'var a=1;\n' + 'someName.other(x1,y2);'.repeat(140_000) + '\nvar z=2;';
  const offset = 1_500_000;
  const cur = cursorAt(huge, offset);
  const around = linesAround(cur, 80, 30);
  assert.ok(around.text.length <= 120_000, `read ${around.text.length} characters of 3 MB`);
  assert.equal(around.firstLine, 1);
  assert.deepEqual([...wordsAround(cur, 3).keys()].sort(), ['someName', 'other', 'x1', 'y2'].sort());
});

/** The surface order before it was kept per file: every definition scored, then one stable sort. */
function referenceRanking(file: IndexedFile, index: WorkspaceIndex, near: number): { tag: IndexedTag; score: number }[] {
  const shares = usageShares(file.tags.map((t) => t.name), index);
  const ranked: { tag: IndexedTag; score: number }[] = [];
  let lastEnd = -1;
  for (const tag of file.tags) {
    const topLevel = tag.startLine > lastEnd;
    if (topLevel) lastEnd = tag.endLine;
    const kind = topLevel && !['method', 'field', 'enumerator'].includes(tag.kind) ? 1 : 0.3;
    ranked.push({ tag, score: near * kind * (0.5 + shares.get(tag.name)!) });
  }
  return ranked.sort((a, b) => b.score - a.score);
}

/** A file of `n` definitions (classes with members, functions, constants) whose names repeat, and usage counts for them. */
function randomFile(random: () => number, n: number): { file: IndexedFile; usage: Map<string, number> } {
  const tags: IndexedTag[] = [];
  let line = 0;
  while (tags.length < n) {
    const name = `n${Math.floor(random() * n * 0.6)}`;
    const kind = ['function', 'class', 'constant', 'interface'][Math.floor(random() * 4)];
    const members = kind === 'class' ? Math.floor(random() * 5) : 0;
    const start = line;
    const end = start + 1 + members * 2;
    tags.push({ name, kind, line: start, startLine: start, endLine: end, signature: `${kind} ${name}`, snippet: `${kind} ${name} {}` });
    for (let m = 0; m < members; m++) {
      const member = `m${Math.floor(random() * 8)}`;
      const at = start + 1 + 2 * m;
      tags.push({ name: member, kind: random() < 0.5 ? 'method' : 'field', line: at, startLine: at, endLine: at + 1, signature: member, snippet: member });
    }
    line = end + 1;
  }
  // Few distinct counts, so that many definitions tie.
  const usage = new Map(tags.map((t) => [t.name, Math.floor(random() * 4) * Math.floor(random() * 3)]));
  return { file: { path: 'lib.ts', language: 'typescript', mtimeMs: 0, size: 0, tags, imports: [] }, usage };
}

test('surfaceRanking: the same definitions, scores and order as scoring and sorting them all per request', () => {
  const random = rng(21);
  for (let round = 0; round < 60; round++) {
    const { file, usage } = randomFile(random, 5 + Math.floor(random() * 300));
    const index = { revision: round, usage: (n: string) => usage.get(n) ?? 0 } as unknown as WorkspaceIndex;
    // The engine's factors: weights 0.5..10 over import distances 0..40 lines, and awkward products.
    for (const near of [0.3, (0.3 * 0.5) / (1 + 7 / 5), (0.3 * 10) / (1 + 0 / 5), (0.3 * 0.1) / (1 + 33 / 5), 0.1 + 0.2, 1e-9 * random()]) {
      const expected = referenceRanking(file, index, near);
      const got = [...surfaceRanking(file, index, near)];
      assert.deepEqual(got.map((r) => [r.tag, r.score]), expected.map((r) => [r.tag, r.score]), `round ${round}, near ${near}`);
    }
  }
});

test('surfaceRanking: usages the score makes equal (a rounding apart) merge into one run in file order, as the sort gives', () => {
  const random = rng(34);
  let merged = 0;
  for (let round = 0; round < 40; round++) {
    const { file } = randomFile(random, 20 + Math.floor(random() * 200));
    // Counts a few ulps apart (and one far above): their usage shares differ by an ulp or two, and multiplied by a
    // factor that keeps them in their binade, some become equal.
    const usage = new Map(file.tags.map((t) => [t.name, 3 * (1 + Math.floor(random() * 40) * Number.EPSILON)]));
    usage.set(file.tags[0].name, 7);
    const index = { revision: 1000 + round, usage: (n: string) => usage.get(n) ?? 0 } as unknown as WorkspaceIndex;
    const shares = usageShares(file.tags.map((t) => t.name), index);
    for (const near of [0.95, 0.99, 1.7, (0.3 * 10) / (1 + 8 / 5)]) {
      const expected = referenceRanking(file, index, near);
      for (let i = 1; i < expected.length; i++) {
        const [a, b] = [shares.get(expected[i - 1].tag.name)!, shares.get(expected[i].tag.name)!];
        if (a !== b && expected[i - 1].score === expected[i].score) merged++;
      }
      const got = [...surfaceRanking(file, index, near)];
      assert.deepEqual(got.map((r) => [r.tag, r.score]), expected.map((r) => [r.tag, r.score]), `round ${round}, near ${near}`);
    }
  }
  assert.ok(merged > 0, 'some unequal usages scored equal');
});

test('surfaceRanking: the kept order follows the index: a new revision with other usage counts re-ranks', () => {
  const { file } = randomFile(rng(5), 40);
  const usage = new Map<string, number>();
  const index = { revision: 1, usage: (n: string) => usage.get(n) ?? 0 } as unknown as WorkspaceIndex & { revision: number };
  const first = [...surfaceRanking(file, index, 0.3)].map((r) => r.tag);
  assert.deepEqual(first, referenceRanking(file, index, 0.3).map((r) => r.tag));
  const last = file.tags[file.tags.length - 1];
  usage.set(last.name, 50);
  assert.deepEqual([...surfaceRanking(file, index, 0.3)].map((r) => r.tag), first, 'same revision: the kept order');
  index.revision = 2;
  const again = [...surfaceRanking(file, index, 0.3)].map((r) => r.tag);
  assert.deepEqual(again, referenceRanking(file, index, 0.3).map((r) => r.tag));
  assert.notDeepEqual(again, first);
});

test('assemble: the cursor line the editor gives packs the same context as counting the lines', async () => {
  const lib = Array.from({ length: 30 }, (_, i) => `export function helper${i}(value: number): number {\n  return value * ${i};\n}\n`).join('');
  const body = Array.from({ length: 300 }, (_, i) => `export const v${i} = helper${i % 30}(${i});`).join('\n');
  const main = `import { ${Array.from({ length: 30 }, (_, i) => `helper${i}`).join(', ')} } from './lib';\n${body}\n`;
  const { root, index } = await workspace({ 'lib.ts': lib, 'main.ts': main });
  // An edit of lines 80-84 of this file: shown when the cursor is at least 30 lines away from it, and not otherwise.
  const activity = new RecentActivity();
  activity.noteEdit('main.ts', 'typescript', main, 82, 82);
  const engine = new TreeSitterContextEngine({ index, activity });
  try {
    const at = async (line: number, given?: number) => {
      const offset = main.split('\n').slice(0, line).join('\n').length + 1;
      const doc = { path: path.join(root, 'main.ts'), relPath: 'main.ts', languageId: 'typescript', text: main, version: 1, offset, line: given };
      return (await engine.assemble({ doc, budgetTokens: 800, purpose: 'completion' })).text;
    };
    // (The edit's score ages between two calls: the packed text is compared, not the scores.)
    for (const line of [20, 50, 51, 250]) assert.equal(await at(line, line), await at(line), `line ${line}`);
    const edited = (text: string) => text.includes('export const v81 = helper21(81);');
    assert.ok(edited(await at(50)));
    // The line given is the one used.
    assert.ok(!edited(await at(50, 51)));
  } finally {
    engine.dispose();
  }
});

/** Bodies that come back across requests: code-like lines (indented, blank, tabs, specials, non-ASCII) of a shared pool. */
function bodyPool(random: () => number, n: number): string[] {
  const words = ['const', 'value', '=', 'compute(', ')', '{', '}', 'return', 'x', '+', '1;', '\n', '  ', '\t', '\n\n', 'héllo', '日本', '<|im_end|>', '::', '"str"', ' \n'];
  return Array.from({ length: n }, () => {
    let body = '';
    for (let k = 1 + Math.floor(random() * 80); k > 0; k--) body += words[Math.floor(random() * words.length)] + (random() < 0.3 ? ' ' : '');
    return body;
  });
}

function poolCandidates(random: () => number, bodies: readonly string[], n: number): Candidate[] {
  const sources = ['import', 'definition', 'type', 'similar', 'skeleton'] as const;
  return Array.from({ length: n }, (_, i) => {
    const body = bodies[Math.floor(random() * bodies.length)];
    const startLine = Math.floor(random() * 100);
    return {
      source: sources[Math.floor(random() * sources.length)],
      path: `src/f${Math.floor(random() * 5)}.${random() < 0.5 ? 'ts' : 'py'}`,
      startLine,
      endLine: startLine + Math.floor(random() * 6),
      body,
      brief: random() < 0.6 ? body.split('\n')[0].slice(0, 30 + Math.floor(random() * 40)) : undefined,
      score: random() * 10,
      reason: `r${i}`,
    };
  });
}

test('packing with part counts cached across requests packs exactly what packing with every count fresh packs', () => {
  const random = rng(31);
  const bodies = bodyPool(random, 60);
  for (let round = 0; round < 150; round++) {
    const cands = poolCandidates(random, bodies, Math.floor(random() * 40));
    const budget = Math.floor(random() * 700);
    const warm = pack(cands, budget);
    forgetCounts();
    forgetPartCounts();
    const fresh = pack(cands, budget);
    assert.equal(warm.text, fresh.text, `round ${round}`);
    assert.equal(warm.tokens, fresh.tokens);
    assert.deepEqual(warm.items, fresh.items);
    assert.equal(warm.tokens, countTokens(warm.text), 'the count is exact');
    assert.ok(warm.tokens <= budget);
    // Warm again, from the other rounds' counts: the next round packs with what this one and earlier ones cached.
    pack(poolCandidates(random, bodies, 20), 700);
  }
});

test('a request packing the definitions of the one before tokenizes nothing again (briefs and headers included)', () => {
  const random = rng(32);
  const bodies = bodyPool(random, 30);
  for (let round = 0; round < 40; round++) {
    const cands = poolCandidates(random, bodies, 5 + Math.floor(random() * 30));
    const budget = 100 + Math.floor(random() * 600);
    const first = pack(cands, budget);
    const from = tokenizedCharacters();
    const again = pack(cands, budget);
    assert.equal(tokenizedCharacters() - from, 0, `round ${round}: tokenized again`);
    assert.equal(again.text, first.text);
  }
});

/** namespaceMemberCandidates as it was before its pools were kept: one set of offered definitions, all scored, sorted. */
function referenceNamespaceCandidates(cur: CursorInfo, index: WorkspaceIndex, resolveFrom: (from: string, source: string) => string[]): Candidate[] {
  const uses = [...cur.qualifiers].sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (uses.length === 0) return [];
  const context = cursorSubwords(cur, new Set(uses.map(([q]) => q)));
  const out: Candidate[] = [];
  const offered = new Set<IndexedTag>();
  for (const [q, use] of uses) {
    const pool: { file: IndexedFile; tag: IndexedTag }[] = [];
    for (const { path: p } of namespaceFiles(cur, q, { index, resolveFrom })) {
      const file = index.file(p)!;
      for (const tag of surfaceFor(file, q)) {
        if (offered.has(tag)) continue;
        offered.add(tag);
        pool.push({ file, tag });
      }
    }
    const own = memberCounts(cur.text.slice(Math.max(0, cur.offset - 200_000), cur.offset + 50_000), q);
    const ownTop = Math.log1p(Math.max(0, ...own.values()));
    const idf = subwordIdf(pool.map((x) => x.tag.name));
    const usage = usageShares(pool.map((x) => x.tag.name), index);
    for (const { file, tag } of pool) {
      const relevance = subwordRelevance(tag.name, context, idf) + 0 / 1 + (ownTop > 0 ? (3 * Math.log1p(own.get(tag.name) ?? 0)) / ownTop : 0) + 2 * usage.get(tag.name)!;
      out.push({
        source: 'import', path: file.path, languageId: file.language, startLine: tag.startLine, endLine: tag.endLine, body: tag.snippet, brief: tag.signature,
        score: use * (0.2 + 0.35 * Math.min(relevance, 6)),
        reason: `${tag.kind} ${tag.name}: a member of ${q}, used near the cursor${relevance > 0 ? ` (relevance ${relevance.toFixed(1)})` : ''}${own.has(tag.name) ? `; this file uses ${q}.${tag.name} ${own.get(tag.name)} times` : ''}`,
      });
    }
  }
  return out.sort((a, b) => b.score - a.score).slice(0, 250);
}

test('namespace members from pools kept across requests: the same candidates as computing every pool per request', async () => {
  const random = rng(41);
  const parts = ['parse', 'User', 'Name', 'load', 'Config', 'map', 'Effect', 'flat', 'Schema', 'decode', 'to', 'Stream'];
  const name = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => parts[Math.floor(random() * parts.length)]).join('').replace(/^./, (c) => c.toLowerCase());
  const libs: Record<string, string[]> = {};
  const files: Record<string, string> = {};
  for (const m of ['m0', 'm1', 'm2', 'm3']) {
    libs[m] = [...new Set(Array.from({ length: 40 }, name))];
    files[`${m}.ts`] = libs[m].map((n) => `export function ${n}(x: number): number {\n  return x;\n}\n`).join('');
  }
  // A barrel reaching m0 and m1: its namespace shares definitions with theirs (offered under the first one used).
  files['all.ts'] = `export * from './m0';\nexport * from './m1';\n`;
  const qualifiers: [string, string][] = [['M0', 'm0'], ['M1', 'm1'], ['All', 'm0'], ['M2', 'm2'], ['M3', 'm3']];
  const lines = qualifiers.map(([q, m]) => `import * as ${q} from './${m === 'm0' && q === 'All' ? 'all' : m}';`);
  for (let f = 0; f < 12; f++) {
    lines.push(`export function ${name()}Step${f}(input: number): number {`);
    for (let k = 0; k < 25; k++) {
      const [q, m] = qualifiers[Math.floor(random() * qualifiers.length)];
      const members = q === 'All' ? [...libs.m0, ...libs.m1] : libs[m];
      lines.push(`  const v${k} = ${q}.${members[Math.floor(random() * members.length)]}(input);`);
    }
    lines.push('  return input;', '}');
  }
  files['main.ts'] = lines.join('\n') + '\n';
  const { root, index } = await workspace(files);
  const engine = new TreeSitterContextEngine({ index });
  const resolver = new ImportResolver([...index.allFiles()].map((f) => f.path));
  const resolveFrom = (from: string, source: string) => resolver.resolve(from, 'typescript', source);
  const pools = new NamespacePoolCache();
  let shared = 0;
  try {
    const text = files['main.ts'];
    const structure = await engine.documents.get(path.join(root, 'main.ts'), 'typescript', 1, text);
    for (let round = 0; round < 80; round++) {
      const line = qualifiers.length + Math.floor(random() * (lines.length - qualifiers.length));
      const offset = lines.slice(0, line).join('\n').length + 1 + Math.floor(random() * 8);
      const base: CursorInfo = {
        relPath: 'main.ts', languageId: 'typescript', text, offset, line, tags: structure.tags, imports: structure.imports,
        scopes: enclosingScopes(structure.tags, offset), importedFiles: new Map(), reachableFiles: new Set(), resolvedBindings: new Set(), qualifiers: new Map(),
      };
      const cur = { ...base, qualifiers: qualifierUses(base) };
      const got = namespaceMemberCandidates(cur, { index, resolveFrom, pools });
      assert.deepEqual(got, referenceNamespaceCandidates(cur, index, resolveFrom), `round ${round}, line ${line}`);
      assert.ok(got.length > 0, `round ${round}: members offered`);
      const used = [...cur.qualifiers].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([q]) => q);
      if (used.includes('All') && (used.indexOf('M0') >= 0 || used.indexOf('M1') >= 0)) shared++;
    }
    assert.ok(shared >= 10, `namespaces sharing definitions near ${shared} of the cursors`);
  } finally {
    engine.dispose();
  }
});

/** identifierWeights' scan as it was: two maps, four look-ups per word. */
function referenceWeights(cur: CursorInfo): Map<string, number> {
  const from = Math.max(0, cur.offset - 60_000);
  const to = Math.min(cur.text.length, cur.offset + 15_000);
  let firstLine = cur.line;
  for (let i = cur.text.lastIndexOf('\n', cur.offset - 1); i >= from; i = i > 0 ? cur.text.lastIndexOf('\n', i - 1) : -1) firstLine--;
  const weights = new Map<string, number>();
  const counts = new Map<string, number>();
  const scanned = cur.text.slice(from, to);
  forEachWord(scanned, firstLine, (word, line, index) => {
    if (isKeyword('typescript', word) && scanned.charCodeAt(index - 1) !== 46) return;
    const d = line - cur.line;
    const w = d <= 0 ? 1 / (1 + -d / 12) : 0.7 / (1 + d / 8);
    weights.set(word, Math.min(3, (weights.get(word) ?? 0) + w));
    counts.set(word, (counts.get(word) ?? 0) + 1);
  });
  for (const imp of cur.imports) for (const n of imp.names) if (!isKeyword('typescript', n)) weights.set(n, (weights.get(n) ?? 0) + importBonus(counts.get(n) ?? 0, cur.imports.length));
  return weights;
}

test('identifierWeights: the same weights, in the same order, as the scan with a map per measure', () => {
  const random = rng(51);
  const words = ['value', 'Effect', 'flatMap', 'if', 'const', 'x', 'map', 'z.object', '.const', 'pipe', 'Schema', '\n', '\n\n', ' ', '(', ')', '.', ';'];
  for (let round = 0; round < 150; round++) {
    let text = '';
    // Long enough (some rounds) for the scan bounds to cut it: 60,000 characters before the cursor, 15,000 after.
    for (let k = Math.floor(random() * (random() < 0.2 ? 40_000 : 2_000)); k > 0; k--) text += words[Math.floor(random() * words.length)] + (random() < 0.5 ? ' ' : '');
    // A text starting with a newline (a file whose first line is blank) in a quarter of the rounds.
    if (random() < 0.25) text = '\n' + text;
    const offset = Math.floor(random() * (text.length + 1));
    const line = text.slice(0, offset).split('\n').length - 1;
    const names = ['value', 'pipe', 'if', 'absent'].filter(() => random() < 0.5);
    const imports = names.length ? [{ source: './lib', line: 0, names }, ...Array.from({ length: Math.floor(random() * 12) }, (_, i) => ({ source: `./m${i}`, line: 0, names: [] }))] : [];
    const cur = { relPath: 'main.ts', languageId: 'typescript', text, offset, line, tags: [], imports, scopes: [], importedFiles: new Map(), reachableFiles: new Set<string>(), resolvedBindings: new Set<string>(), qualifiers: new Map() } as CursorInfo;
    const expected = referenceWeights(cur);
    assert.ok(expected.size > 0 || text.length < 50);
    assert.deepEqual([...identifierWeights(cur).weights], [...expected], `round ${round}`);
  }
});

test('identifierWeights in a file whose first line is blank: the cursor line counted from the top, not a loop for ever', () => {
  // Without the fix this never returns (the unit runner's time limit fails the file).
  const text = '\nimport { value } from "./lib";\nconst a = value;\n';
  const cur = { relPath: 'main.ts', languageId: 'typescript', text, offset: text.length, line: 3, tags: [], imports: [{ source: './lib', line: 1, names: ['value'] }], scopes: [], importedFiles: new Map(), reachableFiles: new Set<string>(), resolvedBindings: new Set<string>(), qualifiers: new Map() } as CursorInfo;
  const { weights } = identifierWeights(cur);
  // `a` on line 2, one line above the cursor: 1 / (1 + 1/12); the line numbers are right only if counted from 0.
  assert.equal(weights.get('a'), 1 / (1 + 1 / 12));
});

test('packing skips the lower bound of a part no longer than the room left: the bound never exceeds the length', () => {
  const random = rng(61);
  const pieces = ['a', 'é', '日本', '🙂', ' ', '\n', '1', '_', 'Zz', '<|im_end|>', 'ǅ', '\u0301'];
  for (let round = 0; round < 2000; round++) {
    let text = '';
    for (let k = Math.floor(random() * 40); k > 0; k--) text += pieces[Math.floor(random() * pieces.length)];
    assert.ok(minTokens(text) <= text.length, JSON.stringify(text));
  }
});

/**
 * Candidates from the pool, some listed and some in runs (each run best first, equal scores in its own order, as a
 * source's run is), with few distinct scores so that ties cross runs and listed candidates; `made` counts what the
 * runs made.
 */
function mixedInputs(random: () => number, bodies: readonly string[], n: number): { inputs: CandidateInput[]; made: { n: number } } {
  const made = { n: 0 };
  const inputs: CandidateInput[] = [];
  for (let left = n; left > 0; ) {
    const size = Math.min(left, random() < 0.5 ? 1 : 1 + Math.floor(random() * 30));
    left -= size;
    const cands = poolCandidates(random, bodies, size).map((c) => ({ ...c, score: Math.floor(random() * 6) / 2 }));
    if (size === 1 && random() < 0.7) inputs.push(cands[0]);
    else {
      const run = cands.sort((a, b) => b.score - a.score);
      inputs.push({ open: function* () { for (const c of run) { made.n++; yield c; } } });
    }
  }
  return { inputs, made };
}

test('bestFirst: listed candidates and runs merged in the order a stable sort of every candidate gives', () => {
  const random = rng(41);
  const bodies = bodyPool(random, 40);
  for (let round = 0; round < 300; round++) {
    const { inputs } = mixedInputs(random, bodies, Math.floor(random() * 120));
    const expected = [...listCandidates(inputs)].sort((a, b) => b.score - a.score);
    assert.deepEqual([...bestFirst(inputs)], expected, `round ${round}`);
  }
});

test('packing from runs packs and drops exactly what packing every candidate made up front does, and makes fewer', () => {
  const random = rng(43);
  const bodies = bodyPool(random, 60);
  let made = 0, available = 0;
  for (let round = 0; round < 200; round++) {
    const mixed = mixedInputs(random, bodies, Math.floor(random() * 300));
    const budget = Math.floor(random() * 900);
    const options = { maxMisses: 1 + Math.floor(random() * 40), maxDropped: Math.floor(random() * 60) };
    const all = listCandidates(mixed.inputs);
    mixed.made.n = 0;
    const lazy = pack(mixed.inputs, budget, options);
    made += mixed.made.n;
    available += all.length - mixed.inputs.filter((x) => !('open' in x)).length;
    const eager = pack(all, budget, options);
    assert.equal(lazy.text, eager.text, `round ${round}`);
    assert.equal(lazy.tokens, eager.tokens);
    assert.deepEqual(lazy.items, eager.items);
    assert.deepEqual(lazy.dropped, eager.dropped);
    // Every drop kept: the list is the first maxDropped of them (packing stops making candidates once it has those).
    assert.deepEqual(lazy.dropped, pack(all, budget, { ...options, maxDropped: all.length }).dropped.slice(0, options.maxDropped));
  }
  // What packing never reaches is never made: here under half of what the runs hold.
  assert.ok(made < available / 2, `made ${made} of ${available}`);
});

test('the focus warm-up builds the pools of the namespaces the whole file uses: a request far from the cursor builds none, packs the same', async () => {
  const random = rng(23);
  const files: Record<string, string> = {};
  const libs: Record<string, string[]> = {};
  for (const m of ['m0', 'm1', 'm2', 'm3']) {
    libs[m] = Array.from({ length: 60 }, (_, i) => `${m}Step${i}`);
    files[`${m}.ts`] = libs[m].map((n) => `export function ${n}(x: number): number {\n  return x;\n}\n`).join('');
  }
  const lines = ['import * as M0 from "./m0";', 'import * as M1 from "./m1";', 'import * as M2 from "./m2";', 'import * as M3 from "./m3";', ''];
  // 200 lines of other code first: the warm-up's cursor (line 1) is far from every namespace's use.
  for (let i = 0; i < 200; i++) lines.push(`export const filler${i} = ${i};`);
  for (let f = 0; f < 20; f++) {
    lines.push(`export function step${f}(input: number): number {`);
    for (let k = 0; k < 6; k++) {
      const m = Math.floor(random() * 4);
      lines.push(`  const v${k} = M${m}.${libs[`m${m}`][Math.floor(random() * 60)]}(input);`);
    }
    lines.push('  return input;', '}');
  }
  files['main.ts'] = lines.join('\n') + '\n';
  const { root, index } = await workspace(files);
  const text = files['main.ts'];
  const at = text.indexOf('export function step12(');
  const line = text.slice(0, at).split('\n').length - 1;
  const doc = (offset: number, l: number) => ({ path: path.join(root, 'main.ts'), relPath: 'main.ts', languageId: 'typescript', text, version: 1, offset, line: l });
  const warmed = new TreeSitterContextEngine({ index });
  const cold = new TreeSitterContextEngine({ index });
  try {
    const names = await warmed.warmUp({ doc: doc(0, 0), budgetTokens: 2048, purpose: 'completion' });
    assert.deepEqual([...names].sort(), ['M0', 'M1', 'M2', 'M3']);
    const built = warmed.namespacePools.builds;
    const packed = await warmed.assemble({ doc: doc(at, line), budgetTokens: 2048, purpose: 'completion' });
    assert.equal(warmed.namespacePools.builds, built, 'no pool built by the request');
    const fresh = await cold.assemble({ doc: doc(at, line), budgetTokens: 2048, purpose: 'completion' });
    assert.ok(cold.namespacePools.builds > 0, 'a cold request builds its pools');
    assert.equal(packed.text, fresh.text);
    assert.match(packed.text, /M\d|m\dStep/);
  } finally {
    warmed.dispose();
    cold.dispose();
  }
});
