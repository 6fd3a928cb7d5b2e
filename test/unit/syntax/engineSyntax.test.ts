/**
 * Commands' syntax tasks (actions' targets, whether a proposal parses, Apply's declaration, the commit summary) run in
 * the context engine's process once the extension points them there: this process, the extension host's stand-in,
 * never loads a grammar for them. While the engine is not running they are answered here, so the command still works.
 * (A file of its own: node's test runner gives each file a process, and no other test may have loaded a grammar here.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EngineClient } from '../../../src/core/context/engineClient';
import type { EngineEvent } from '../../../src/core/context/engineProtocol';
import { MemoryLogger } from '../../../src/core/log';
import { isLoaded } from '../../../src/core/context/parser';
import { validateProposal } from '../../../src/core/actions/validate';
import { declarationSpanFor } from '../../../src/core/chat/declaration';
import { changedDefinitions } from '../../../src/core/scm/diffSummary';
import { parseUnifiedDiff } from '../../../src/core/scm/diff';
import { setSyntaxRunner, syntaxTask } from '../../../src/core/syntax/runner';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'context', 'workspace');
const SCRIPT = path.join(__dirname, '..', '..', '..', 'src', 'core', 'context', 'engineWorker.ts');
const QUERIES = path.join(__dirname, '..', '..', '..', 'src', 'core', 'context', 'queries');

const SOURCE = [
  'import { a } from "./a";',
  '',
  '/** Adds. */',
  'export function add(x: number, y: number): number {',
  '  return x + y;',
  '}',
  '',
  'export class Box {',
  '  open(): void {',
  '    console.log("open");',
  '  }',
  '}',
  '',
].join('\n');

test("commands' syntax tasks are answered in the engine's process; this process loads no grammar; without the engine they are answered here", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-syntax-'));
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const client = new EngineClient({
    script: SCRIPT,
    data: { queryDir: QUERIES, folders: [{ name: 'workspace', path: ROOT }], storageFile: path.join(dir, 'index.json'), indexWorkers: 0, rules: {} },
    logger: new MemoryLogger(),
    openDocuments: () => [],
    onEvent: (e: EngineEvent) => e.kind === 'ready' && ready(),
  });
  client.start();
  setSyntaxRunner(client);
  try {
    await started;
    assert.equal(isLoaded('typescript'), false);

    // An action's target: the function around the cursor, with its doc comment when asked.
    const inAdd = await syntaxTask({ op: 'target', languageId: 'typescript', text: SOURCE, offset: SOURCE.indexOf('x + y'), leadingComments: true });
    assert.equal(inAdd.parsed, true);
    assert.equal(inAdd.target?.name, 'add');
    assert.equal(inAdd.target?.start, SOURCE.indexOf('/** Adds. */'));
    const inMethod = await syntaxTask({ op: 'target', languageId: 'typescript', text: SOURCE, offset: SOURCE.indexOf('console') });
    assert.equal(inMethod.target?.name, 'open');
    const outside = await syntaxTask({ op: 'target', languageId: 'typescript', text: SOURCE, offset: 0 });
    assert.deepEqual(outside, { parsed: true, target: undefined });

    // A proposal that breaks the syntax is refused, with the line of the first error; a clean one passes.
    const start = SOURCE.indexOf('  return x + y;');
    const end = start + '  return x + y;'.length;
    const broken = '  return x + (y;';
    const refused = await validateProposal('typescript', broken, SOURCE, SOURCE.slice(0, start) + broken + SOURCE.slice(end), { start, end });
    assert.equal(refused.syntaxChecked, true);
    assert.match(refused.problem ?? '', /does not parse as typescript .*first on line 5/);
    const fine = '  return y + x;';
    assert.deepEqual(await validateProposal('typescript', fine, SOURCE, SOURCE.slice(0, start) + fine + SOURCE.slice(end), { start, end }), { syntaxChecked: true, errorsBefore: 0, errorsAfter: 0 });

    // Apply's declaration and the commit summary's definitions.
    assert.deepEqual(await declarationSpanFor('typescript', SOURCE, 'class Box {\n  close(): void {}\n}'), { startLine: 7, endLine: 11, name: 'Box' });
    const diff = parseUnifiedDiff(['diff --git a/src/m.ts b/src/m.ts', '--- a/src/m.ts', '+++ b/src/m.ts', '@@ -5 +5 @@ export function add(x: number, y: number): number {', '-  return y + x;', '+  return x + y;', ''].join('\n'));
    assert.equal(await changedDefinitions(diff[0], { newText: SOURCE, oldText: SOURCE.replace('x + y', 'y + x') }), 'changed function add');

    // None of that loaded a grammar in this process.
    assert.equal(isLoaded('typescript'), false);
  } finally {
    await client.dispose();
  }
  // The engine is gone: the next task is answered in this process (which loads the grammar here).
  const here = await syntaxTask({ op: 'tags', language: 'src/m.ts', text: SOURCE });
  assert.deepEqual(here?.filter((t) => t.kind === 'function' || t.kind === 'class').map((t) => t.name), ['add', 'Box']);
  assert.equal(isLoaded('typescript'), true);
  setSyntaxRunner(undefined);
});
