/**
 * The chat in a real VS Code, host side: the view opens, a question asked through `phiCoder.internal.askInChat` (the
 * path code actions use) streams an answer from the backend simulator (a TEST DOUBLE of Ollama) into the conversation,
 * the prompt carries the system prompt, the attached code and the question within the window, a long answer is stopped
 * (the server sees the client go away), and conversations persist in workspaceState. The webview itself is driven by
 * the UI check test/ui/checks/40-chat.check.ts (typing, streaming render, Stop, Apply + Accept, screenshot).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PHI4_MODEL } from '../../sim';
import { activateExtension, openWorkspaceFile, setUserSetting, waitFor, waitForReadyOn } from '../helpers';
import { promptTokensOf } from '../../../src/core/chat/budget';
import { useSimulator, type UsedSimulator } from '../simulator';
import type { Services } from '../../../src/vscode/services';
import { HISTORY_STATE_KEY, parseHistory } from '../../../src/core/chat/history';
import { CHAT_SYSTEM_PROMPT } from '../../../src/core/chat/prompt';

const ANSWER = 'Use `reduce`:\n\n```ts\nexport function add(a: number, b: number): number {\n  return b + a;\n}\n```\n';

function history(services: Services) {
  return parseHistory(services.extension.workspaceState.get(HISTORY_STATE_KEY));
}

describe('chat', () => {
  let services: Services;
  let used: UsedSimulator;

  before(async () => {
    services = await activateExtension();
    used = await useSimulator({ kind: 'ollama', models: [PHI4_MODEL], reply: ANSWER });
    await waitForReadyOn(services, used.sim.url);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await used.dispose();
  });

  it('streams an answer to askInChat into the conversation, with the attached code in the prompt', async () => {
    await openWorkspaceFile('src/math.ts');
    used.sim.resetStats();
    const prompt = 'Why does add return b + a?';
    await vscode.commands.executeCommand('phiCoder.newChat');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', {
      prompt,
      attachments: [{ path: 'src/math.ts', languageId: 'typescript', text: 'export function add(a: number, b: number): number {\n  return a + b;\n}', startLine: 1 }],
    });
    assert.equal(used.sim.requests.length, 1, 'one chat request');
    const req = used.sim.requests[0];
    assert.equal(req.endpoint, '/api/chat');
    assert.equal(req.messages?.[0].role, 'system');
    assert.equal(req.messages?.[0].content, CHAT_SYSTEM_PROMPT);
    const user = req.messages!.at(-1)!;
    assert.equal(user.role, 'user');
    assert.match(user.content, /src\/math\.ts \(lines 2-4\)[\s\S]*return a \+ b;[\s\S]*Question:\nWhy does add return b \+ a\?$/);
    assert.equal(req.body.options?.num_ctx, 16384, 'the same window as every feature');
    assert.equal(req.body.options?.num_predict, services.settings().chat.maxAnswerTokens);
    assert.ok((req.promptTokens ?? 0) + services.settings().chat.maxAnswerTokens <= 16384);
    assert.equal(used.sim.stats.completed, 1);

    const saved = await waitFor('the conversation to be saved', () => {
      const conv = history(services).conversations.find((c) => c.messages.some((m) => m.content === prompt));
      return conv && conv.messages.length === 2 && conv.messages[1].content === ANSWER ? conv : undefined;
    });
    assert.equal(saved.title, prompt);
    assert.deepEqual(saved.messages[0].attachments, ['src/math.ts:2-4']);
    assert.equal(saved.messages[1].stopReason, 'stop');
    assert.equal(saved.messages[1].error, undefined);
  });

  it('sends the earlier turn as history on a follow-up', async () => {
    used.sim.resetStats();
    used.sim.setReply('Because addition is commutative.');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'Is that a bug?' });
    const msgs = used.sim.requests[0].messages!;
    assert.deepEqual(msgs.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.equal(msgs[2].content, ANSWER);
    assert.match(msgs[3].content, /Is that a bug\?$/);
    used.sim.setReply(ANSWER);
  });

  it('stops a long answer: the request is aborted and the partial answer kept', async () => {
    used.sim.resetStats();
    used.sim.setReply({ chunks: ['This ', 'answer ', 'never ', 'ends'], hang: true });
    await vscode.commands.executeCommand('phiCoder.newChat');
    const asking = vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'Tell me everything' });
    await waitFor('the long answer to start streaming', () => used.sim.stats.open > 0);
    await waitFor('the partial answer to be saved', () =>
      history(services).conversations.find((c) => c.messages[0]?.content === 'Tell me everything' && c.messages[1]?.content.startsWith('This ')));
    // A new conversation stops the one streaming (the view's Stop button does the same through the protocol).
    await vscode.commands.executeCommand('phiCoder.newChat');
    await asking;
    await waitFor('the server to see the client go away', () => used.sim.stats.aborted === 1 && used.sim.stats.open === 0);
    const conv = await waitFor('the stopped conversation to be saved', () =>
      history(services).conversations.find((c) => c.messages[0]?.content === 'Tell me everything' && c.messages[1]?.stopReason === 'abort'));
    assert.match(conv.messages[1].content, /^This /);
    assert.equal(conv.messages[1].error, undefined, 'stopping is not an error');
    assert.equal(services.backends.status.state, 'ready', 'the backend is not blamed for a stop');
    used.sim.setReply(ANSWER);
  });

  it('shows a clear error when the server fails, and keeps the question', async () => {
    used.sim.resetStats();
    used.sim.setReply({ status: 500, error: 'CUDA error: out of memory' });
    await vscode.commands.executeCommand('phiCoder.newChat');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'Will this fail?' });
    const conv = await waitFor('the failed turn to be saved', () => history(services).conversations.find((c) => c.messages[0]?.content === 'Will this fail?' && c.messages[1]?.error));
    assert.match(conv.messages[1].error!, /out of memory/);
    assert.notEqual(services.backends.status.state, 'offline', 'a server error is not "offline"');
    used.sim.setReply(ANSWER);
  });

  it('resolves @file and @problems mentions into the prompt', async () => {
    used.sim.resetStats();
    await vscode.commands.executeCommand('phiCoder.newChat');
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: 'Summarise @file:src/shapes.ts and check @problems', typed: true });
    const user = used.sim.requests[0].messages!.at(-1)!.content;
    assert.match(user, /File src\/shapes\.ts \(lines 1-\d+\):\n```typescript\nimport \{ add \} from '\.\/math';[\s\S]*export function area\(r: Rect\)/);
    assert.match(user, /Problems \(diagnostics\) reported in the workspace:\n/);
    assert.match(user, /Question:\nSummarise @file:src\/shapes\.ts and check @problems$/);
  });

  it('answers @workspace from the question: the definitions it names are retrieved, whatever file is open', async () => {
    await services.context.whenIndexed();
    await openWorkspaceFile('py/stats.py');
    used.sim.resetStats();
    await vscode.commands.executeCommand('phiCoder.newChat');
    const prompt = 'Where is the perimeter of a Rect computed? @workspace';
    await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt, typed: true });
    const user = used.sim.requests[0].messages!.at(-1)!.content;
    assert.match(user, /src\/shapes\.ts\n[\s\S]*export function perimeter\(r: Rect\): number/, 'the definition the question names');
    assert.match(user, /export function add\(/, 'and what it uses (add, from math.ts)');
    const conv = await waitFor('the conversation to be saved', () => history(services).conversations.find((c) => c.messages[0]?.content === prompt));
    const label = conv.messages[0].attachments?.find((a) => a.startsWith('@workspace'));
    assert.match(label ?? '', /^@workspace: src\/shapes\.ts#perimeter \([0-9.]+, matches [^)]*perimet/, 'the chip says what was found and why');
  });

  it('opens the chat in an editor tab too', async () => {
    await vscode.commands.executeCommand('phiCoder.openChatInEditor');
    const tab = await waitFor('a chat editor tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Phi Coder Chat'));
    assert.ok(tab);
    await vscode.window.tabGroups.close(tab);
  });

  it('trims the oldest turns to fit a small window, never past it', async () => {
    const restoreWindow = await setUserSetting('contextWindow', 1024);
    const restoreReserve = await setUserSetting('chat.maxAnswerTokens', 256);
    try {
      await waitFor('the backend to use the 1024-token window', async () => {
        const window = await services.backends.active().then((a) => a.contextWindow, () => undefined);
        if (window === 1024) return true;
        await services.backends.recheck();
        return false;
      });
      await vscode.commands.executeCommand('phiCoder.newChat');
      used.sim.setReply(`${'This is a long and detailed answer. '.repeat(20)}`);
      for (let i = 1; i <= 5; i++) {
        used.sim.resetStats();
        await vscode.commands.executeCommand('phiCoder.internal.askInChat', { prompt: `Turn ${i}: what next?` });
        const req = used.sim.requests[0];
        const msgs = req.messages!;
        assert.ok(promptTokensOf(msgs as never) + 256 <= 1024, `turn ${i}: ${promptTokensOf(msgs as never)} prompt tokens + 256 reserved > 1024`);
        assert.notEqual(req.truncated, true, 'the server did not have to truncate');
        assert.equal(req.body.options?.num_predict, 256);
        assert.match(msgs.at(-1)!.content, new RegExp(`Turn ${i}: what next\\?$`), 'the question is always sent');
        assert.equal(msgs[0].content, CHAT_SYSTEM_PROMPT, 'the system prompt is always sent');
      }
      const last = used.sim.requests[0].messages!;
      const questions = last.filter((m) => m.role === 'user').map((m) => /Turn (\d)/.exec(m.content)?.[1]);
      assert.ok(!questions.includes('1'), `the oldest turn was dropped (sent: ${questions.join(',')})`);
      assert.deepEqual(questions, [...questions].sort(), 'kept turns are the newest, in order');
      assert.equal(questions.at(-1), '5');
    } finally {
      await restoreReserve();
      await restoreWindow();
      used.sim.setReply(ANSWER);
    }
  });

  it('rejects an askInChat call without a prompt', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('phiCoder.internal.askInChat', { title: 'no prompt' })), /needs \{ prompt: string \}/);
  });
});
