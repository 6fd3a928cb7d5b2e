/**
 * Explain: the target goes to the chat panel as an attachment with a question, and the answer streams there
 * (the chat's own conversation machinery, through its internal command).
 */
import * as vscode from 'vscode';
import { explainQuestion } from '../../core/actions/explainPrompt';
import type { Services } from '../services';
import { flashTarget, resolveTarget } from './resolveTarget';
import { resolveEditorArgs, type ActionArgs } from './args';
import { ASK_IN_CHAT_COMMAND, type AskInChatArgs } from '../chat/askInChat';


export async function runExplain(services: Services, args: ActionArgs = {}): Promise<boolean> {
  const resolved = await resolveEditorArgs(args, services);
  if ('problem' in resolved) {
    void vscode.window.showInformationMessage(`Phi Coder: ${resolved.problem}`);
    return false;
  }
  const { doc, editor, selection, position } = resolved;
  const found = await resolveTarget(doc, selection, position);
  if ('problem' in found) {
    void vscode.window.showInformationMessage(`Phi Coder: ${found.problem}`);
    return false;
  }
  const t = found.target;
  flashTarget(editor, t.range);
  const relPath = vscode.workspace.asRelativePath(doc.uri);
  const diagnostics = vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.range.intersection(t.range) && d.severity <= vscode.DiagnosticSeverity.Warning)
    .map((d) => ({ line: d.range.start.line, message: d.message }));
  const request: AskInChatArgs = {
    prompt: explainQuestion({ relPath, target: t, startLine: t.range.start.line, endLine: t.range.end.line, diagnostics }),
    title: `Explain ${t.name ?? relPath}`,
    attachments: [{ path: relPath, languageId: doc.languageId, text: doc.getText(t.range), startLine: t.range.start.line }],
  };
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes(ASK_IN_CHAT_COMMAND)) {
    services.logger.error(`explain: the chat command ${ASK_IN_CHAT_COMMAND} is not registered`);
    void vscode.window.showErrorMessage('Phi Coder: the chat panel is not available, so Explain cannot show its answer. See the log.');
    return false;
  }
  services.logger.info(`action:explain: ${t.kind} ${t.name ?? ''} in ${relPath} sent to the chat`);
  await vscode.commands.executeCommand(ASK_IN_CHAT_COMMAND, request);
  return true;
}
