/**
 * Completion and chat in a real VS Code against a REAL llama.cpp `llama-server` (../shared/llama: a tiny model with
 * random weights and Phi-4's real tokenizer and chat template, or PHI_LLAMA_SERVER / PHI_LLAMA_MODEL), started on a
 * free loopback port. The extension talks to it through a recording pass-through (test/e2e/recordingProxy.ts), so
 * what reached the editor and the chat is compared with what the server itself sent. The weights are random:
 * assertions are on shapes and on the server's own answers, never on content. Without a server: SKIPPED, and why.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLlama, type RunningLlama } from '../../real/llamaServer';
import { startRecordingProxy, sseEvents, type Exchange, type RecordingProxy } from '../recordingProxy';
import { activateExtension, setUserSetting, waitFor, waitForReadyOn } from '../helpers';
import { HISTORY_STATE_KEY, parseHistory } from '../../../src/core/chat/history';
import type { Services } from '../../../src/vscode/services';

const server = process.env.PHI_LLAMA_SERVER;
const model = process.env.PHI_LLAMA_MODEL;

/** Text of the streamed `content` (llama.cpp /completion) or `choices[0].delta.content` (OpenAI chat) events. */
function streamedText(ex: Exchange): string {
  return sseEvents(ex.responseBody)
    .map((e) => {
      const choice = (e.choices as { delta?: { content?: string } }[] | undefined)?.[0];
      return typeof e.content === 'string' ? e.content : (choice?.delta?.content ?? '');
    })
    .join('');
}

/** The raw model output and the ghost text shown, from the "Show Last Completion Prompt" document. */
function pipelineRecord(doc: string): { raw: string; shown: string } {
  const RAW = '\n## Raw model output\n\n';
  const SHOWN = '\n\n## Ghost text shown\n\n';
  const r = doc.indexOf(RAW);
  const g = doc.lastIndexOf(SHOWN);
  assert.ok(r >= 0 && g > r, `the last completion has an answer: ${doc.slice(0, 300)}`);
  return { raw: doc.slice(r + RAW.length, g), shown: doc.slice(g + SHOWN.length, -1) };
}

let recordReads = 0;
/** The "Show Last Completion Prompt" text, read from its content provider without opening an editor. */
async function readLastCompletionRecord(): Promise<string> {
  const uri = vscode.Uri.parse(`phi-coder-completion:/Last%20Completion%20Prompt.md?poll-${Date.now()}-${recordReads++}`);
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

/**
 * The record describes a request for the document `start` that ended without being cancelled: its Phi-4 hole prompt
 * holds the edited line, the text before the cursor followed by the hole marker.
 */
function answeredFor(record: string, start: string): boolean {
  const stop = /^stop: (.*)$/m.exec(record);
  return !!stop && !stop[1].startsWith('abort') && record.includes(`${start.split('\n').at(-1)}<HOLE>`);
}

describe('real llama-server: completion and chat', function () {
  let services: Services;
  let llama: RunningLlama | undefined;
  let proxy: RecordingProxy | undefined;
  const restore: (() => Promise<void>)[] = [];

  before(async function () {
    const missing = process.env.PHI_E2E_LLAMA_MISSING;
    if (missing || !server || !model) {
      console.log(`real llama-server e2e SKIPPED: ${missing ?? 'PHI_LLAMA_SERVER / PHI_LLAMA_MODEL not set'}`);
      this.skip();
    }
    this.timeout(180_000);
    services = await activateExtension();
    llama = await startLlama({ server, model }, { ctx: 16384 });
    proxy = await startRecordingProxy(llama.url);
    // Greedy decoding: the same (random-weights) answer to the same prompt on every run.
    restore.push(await setUserSetting('chat.maxAnswerTokens', 256), await setUserSetting('completions.maxTokens', 48), await setUserSetting('temperature', 0));
    restore.push(await setUserSetting('backend', 'llamacpp'), await setUserSetting('endpoint', proxy.url));
    // No workspace context: the prompt is then the document alone, whatever earlier tests left in the workspace and its
    // recent edits, so the greedy answer is the same in this suite as in a run of this file alone (with the earlier
    // tests' context, the random model answered only newlines at every position).
    restore.push(await setUserSetting('context.exclude', ['**']));
    await waitForReadyOn(services, proxy.url, 60_000);
  });
  after(async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const r of restore.reverse()) await r();
    await proxy?.close();
    await llama?.stop();
  });

  it('discovers the served window and model from the real server', () => {
    const s = services.backends.status;
    assert.equal(s.state, 'ready');
    assert.equal(s.endpoint, proxy!.url);
    assert.ok(proxy!.exchanges.some((e) => e.path === '/props' && e.status === 200), 'the extension read /props');
  });

  it('shows and accepts ghost text the real server streamed', async function () {
    this.timeout(900_000);
    // Random weights: most answers start with a run of newlines and clean up to nothing, and which ones do varies from
    // run to run (near-equal logits, so greedy picks can flip). So every position is checked against the pipeline's
    // own record ("Show Last Completion Prompt"): the raw output it read is what the real server streamed, and the
    // editor got exactly the ghost text it decided on (nothing when that is empty). Positions are tried until one shows
    // a suggestion, which is then accepted; if none does, the run says so.
    const lines = [
      'export function add(a: number, b: number): number {\n  return ',
      'const total = items.reduce(',
      'function greet(name: string) {\n  console.log(',
      'let count = ',
      'import { readFile } from ',
      'const user = { name: ',
      'if (value === ',
      'class Stack<T> {\n  private items: T[] = [];\n  push(item: T) {\n    this.',
      'const numbers = [1, 2, 3].map((n) => n ',
      '// Returns the largest of two numbers\nexport const max = (a: number, b: number) => ',
    ];
    const empty: string[] = [];
    for (const [i, start] of lines.entries()) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: `/real-server-${i}.ts` }));
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), start));
      await waitFor('the document to hold its text', () => doc.getText() === start);
      const end = doc.positionAt(start.length);
      editor.selection = new vscode.Selection(end, end);
      const sent = proxy!.exchanges.length;
      const mine = () => proxy!.exchanges.slice(sent).filter((e) => e.path === '/completion');
      // Ask, then wait until the pipeline's record says a request for this position has ended (the server finished, or
      // the pipeline closed the stream once the answer was complete: the proxy then sees the client go away). Each
      // trigger cancels a request still being prepared or running, so a new one is made only when nothing is in flight
      // and the last trigger is a few seconds old: on a loaded machine, triggers every poll cancelled every request.
      let lastTrigger = 0;
      const recordText = await waitFor(
        'the real server to answer a completion request',
        async () => {
          if (mine().some((e) => e.status === 200 && e.settled)) {
            const text = await readLastCompletionRecord();
            if (answeredFor(text, start)) return text;
          }
          if (mine().every((e) => e.settled) && Date.now() - lastTrigger > 5_000) {
            lastTrigger = Date.now();
            await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
          }
          return false;
        },
        { timeoutMs: 120_000, describe: () => JSON.stringify(proxy!.exchanges.slice(sent).map((e) => ({ path: e.path, status: e.status, complete: e.complete, settled: e.settled }))) },
      );
      const record = pipelineRecord(recordText);
      // The answer is cached now: a trigger shows it without a new request, and commit accepts it.
      const inserted = !record.shown
        ? ''
        : await waitFor(
            'the inline suggestion the pipeline decided on, shown and accepted',
            async () => {
              await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
              await new Promise((r) => setTimeout(r, 100));
              await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
              return doc.getText() !== start ? doc.getText().slice(start.length) : undefined;
            },
            { timeoutMs: 90_000, describe: () => JSON.stringify(doc.getText()) },
          );
      const answers = mine().filter((e) => e.status === 200 && e.settled);
      for (const a of answers) {
        const body = JSON.parse(a.requestBody);
        assert.equal(body.cache_prompt, true);
        assert.ok(String(body.prompt).endsWith('<|im_start|>assistant<|im_sep|>\n'), 'the Phi-4 hole prompt');
        if (!a.complete) continue; // closed by the pipeline (answer complete) or cancelled: no final event
        const final = sseEvents(a.responseBody).at(-1) as { stop?: boolean; timings?: { prompt_n?: number }; tokens_evaluated?: number };
        assert.equal(final.stop, true, 'the server finished its stream');
        assert.ok((final.timings?.prompt_n ?? 0) >= 1 && (final.tokens_evaluated ?? 0) >= 1, 'the server evaluated the prompt');
      }
      // Close the (unsaved) test document without a save dialog.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const streamed = answers.map(streamedText);
      // The pipeline may close a stream early once its answer is complete: what it read is a prefix of what was sent.
      assert.ok(streamed.some((t) => t.startsWith(record.raw) && record.raw.length > 0), `the pipeline read ${JSON.stringify(record.raw.slice(0, 80))}, which the server did not stream (${streamed.map((t) => JSON.stringify(t.slice(0, 80))).join(', ')})`);
      assert.equal(inserted, record.shown, 'the editor got exactly the ghost text the pipeline decided on');
      if (!inserted) {
        empty.push(JSON.stringify(start));
        continue;
      }
      console.log(`real llama-server: accepted ${JSON.stringify(inserted)} after ${empty.length} position(s) whose answers cleaned up to nothing`);
      return;
    }
    console.log(`real llama-server: the random model's answers cleaned up to nothing at all ${empty.length} positions; each was checked against the pipeline's record, but no suggestion was accepted in this run`);
  });

  it('streams the real server\'s chat answer into the conversation', async function () {
    this.timeout(240_000);
    const sent = proxy!.exchanges.length;
    const prompt = 'What does add do? (real llama-server)';
    await vscode.commands.executeCommand('phiCoder.newChat');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt });
    const chats = proxy!.exchanges.slice(sent).filter((e) => e.path === '/v1/chat/completions');
    assert.equal(chats.length, 1, 'one chat request to the real server');
    const ex = chats[0];
    assert.equal(ex.status, 200);
    // The proxy records the end of the response when the server closes it, which can come just after the extension
    // has read the last event: wait for that state.
    // The tiny model's answer runs to its token limit: on a loaded CPU that took over 45 s (a helper's full run).
    await waitFor('the server to finish the answer', () => ex.complete, { timeoutMs: 100_000 });
    const req = JSON.parse(ex.requestBody);
    assert.equal(req.stream, true);
    assert.equal(req.messages.at(-1).role, 'user');
    assert.match(req.messages.at(-1).content, /What does add do\?/);
    const events = sseEvents(ex.responseBody);
    // Random weights: the server's own output parser may reject the sampled text at the end (a mid-stream error event).
    const serverError = events.map((e) => e.error as { message?: string } | undefined).find(Boolean);
    const reason = events.map((e) => (e.choices as { finish_reason?: string }[] | undefined)?.[0]?.finish_reason).filter(Boolean).at(-1) as string | undefined;
    const fromServer = streamedText(ex);
    const saved = await waitFor('the conversation with the real answer to be saved', () => {
      const conv = parseHistory(services.extension.workspaceState.get(HISTORY_STATE_KEY)).conversations.find((c) => c.messages.some((m) => m.content === prompt));
      // Saved once when the answer starts and again when it ends: wait for the finished one.
      return conv && conv.messages.length === 2 && (conv.messages[1].stopReason !== undefined || conv.messages[1].error !== undefined) ? conv : undefined;
    }, { timeoutMs: 100_000 });
    const answer = saved.messages[1];
    console.log(`real llama-server chat: ${fromServer.length} characters, finish_reason ${reason}${serverError ? `, server error "${serverError.message}"` : ''}`);
    if (serverError) {
      assert.ok(answer.error?.includes(String(serverError.message).slice(0, 40)), `the server's error reached the chat: ${answer.error}`);
      return;
    }
    assert.ok(reason === 'stop' || reason === 'length', `finish_reason ${reason}`);
    assert.equal(answer.error, undefined);
    assert.equal(answer.stopReason, reason === 'length' ? 'length' : 'stop');
    assert.equal(answer.content.trim(), fromServer.trim(), 'the conversation holds exactly what the server streamed');
  });
});
