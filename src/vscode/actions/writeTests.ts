/**
 * Write Tests: find (or plan) the conventional test file for the target's language and the workspace's framework,
 * then propose its new content as a diff: a whole new file, the updated file, or tests appended at its end.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import { planTestFile, type WorkspaceProbe } from '../../core/actions/testFiles';
import { buildTestPrompt, chooseTestMode, testContextBudget } from '../../core/actions/testPrompt';
import { extractCode } from '../../core/actions/extract';
import { validateProposal } from '../../core/actions/validate';
import type { Services } from '../services';
import { flashTarget, resolveTarget, type ResolvedTarget } from './resolveTarget';
import { runProposal, type ProposalOutcome } from './runAction';
import { assembleContext, resolveEditorArgs, type ActionArgs } from './args';

function probeFor(base: vscode.Uri): { probe: WorkspaceProbe; toUri(p: string): vscode.Uri } {
  const toUri = (p: string) => (base.scheme === 'file' ? vscode.Uri.file(p) : base.with({ path: p.split(path.sep).join('/') }));
  const probe: WorkspaceProbe = {
    async exists(p) {
      try {
        await vscode.workspace.fs.stat(toUri(p));
        return true;
      } catch {
        return false;
      }
    },
    async read(p) {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(toUri(p)));
      } catch {
        return undefined;
      }
    },
  };
  return { probe, toUri };
}

function wholeFileTarget(doc: vscode.TextDocument): ResolvedTarget {
  const end = doc.getText().length;
  return { kind: 'file', start: 0, end, range: new vscode.Range(doc.positionAt(0), doc.positionAt(end)), midLine: false };
}

/** What goes between the existing text and appended tests. */
function separatorAfter(existing: string): string {
  if (existing === '' || existing.endsWith('\n\n')) return '';
  return existing.endsWith('\n') ? '\n' : '\n\n';
}

export async function runWriteTests(services: Services, args: ActionArgs = {}): Promise<ProposalOutcome> {
  const resolved = await resolveEditorArgs(args, services);
  if ('problem' in resolved) {
    void vscode.window.showInformationMessage(`Phi Coder: ${resolved.problem}`);
    return 'failed';
  }
  const { doc, editor, selection, position } = resolved;
  if (doc.isUntitled) {
    void vscode.window.showInformationMessage('Phi Coder: save the file first, so its tests have a place to go.');
    return 'failed';
  }
  const found = await resolveTarget(doc, selection, position);
  // Outside any function or class: tests for the whole module (the prompt builder refuses it if it does not fit).
  const target = 'target' in found ? found.target : wholeFileTarget(doc);
  flashTarget(editor, target.range);
  const root = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(doc.uri.fsPath);
  const { probe, toUri } = probeFor(doc.uri);
  const plan = await planTestFile(probe, doc.uri.fsPath, doc.languageId, root);
  if (!plan) {
    void vscode.window.showInformationMessage(`Phi Coder: there is no test convention for ${doc.languageId} yet.`);
    return 'failed';
  }
  const testUri = plan.sameFile ? doc.uri : toUri(plan.testPath);
  // The test file is read into the prompt and written on accept: its real path (links resolved, the file's and its
  // folders') must be inside the workspace, and no exclusion rule may cover it.
  const allowed = plan.sameFile ? { ok: true as const } : services.gate.check(testUri, true);
  if (!allowed.ok) {
    services.logger.warn(`action:writeTests: refused ${testUri.fsPath}: ${allowed.reason}`);
    void vscode.window.showWarningMessage(`Phi Coder: Write Tests will not read or write ${testUri.fsPath} (${allowed.reason}).`);
    return 'failed';
  }
  const testDoc = plan.sameFile ? doc : (await probe.exists(plan.testPath)) ? await vscode.workspace.openTextDocument(testUri) : undefined;
  const existing = testDoc?.getText();
  const settings = services.settings();
  const mode = chooseTestMode({ existing, answerTokens: settings.chat.maxAnswerTokens, plan });
  const testRel = vscode.workspace.asRelativePath(testUri);
  services.logger.info(`action:writeTests: ${plan.framework}, ${testRel} (${mode})`);
  const sourceText = doc.getText();
  const before = existing ?? '';
  const original = mode === 'rewrite-file' ? before : '\n';
  const lang = testDoc?.languageId ?? doc.languageId;
  return runProposal(services, {
    feature: 'action:writeTests',
    title: `Writing ${plan.framework} tests for ${target.name ? `\`${target.name}\`` : target.kind === 'file' ? path.basename(doc.uri.fsPath) : 'the selection'} in ${testRel}`,
    prompt: async (active, signal) => {
      await services.rules.ready();
      const base = {
        rules: services.rules.forPrompt(doc.uri, 'actions', active.contextWindow).text,
        plan,
        sourceRelPath: vscode.workspace.asRelativePath(doc.uri),
        testRelPath: testRel,
        languageId: doc.languageId,
        sourceText,
        target,
        existing,
        window: active.contextWindow,
        answerTokens: settings.chat.maxAnswerTokens,
      };
      const snapshot = services.context.snapshot(doc, target.range.start, new vscode.Selection(target.range.start, target.range.end));
      const context = await assembleContext(services, snapshot, testContextBudget(base), signal);
      return buildTestPrompt({ ...base, context });
    },
    preview: {
      document: testDoc,
      uri: testDoc ? undefined : testUri,
      base: testDoc ? { text: before, start: mode === 'append' ? before.length : 0, end: before.length } : undefined,
      // The full path: the file written on accept is exactly the one named here.
      title: `Tests (${plan.framework}) in ${testUri.scheme === 'file' ? testUri.fsPath : testUri.toString(true)}`,
      transform: (raw, final) => {
        const code = extractCode(raw, { original, partial: !final });
        return mode === 'append' && code ? separatorAfter(before) + code : code;
      },
      validate: async (replacement, full) => {
        const replaced = { start: mode === 'append' ? before.length : 0, end: before.length };
        return (await validateProposal(lang, replacement, before, full, replaced)).problem;
      },
    },
  });
}
