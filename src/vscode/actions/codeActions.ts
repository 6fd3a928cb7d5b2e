/**
 * The actions in the light bulb: "Fix with Phi Coder" on each error/warning diagnostic (its message goes into the
 * prompt), and refactor-kind entries for Refactor…, Add Docs and Write Tests.
 */
import * as vscode from 'vscode';
import type { DiagnosticInfo } from '../../core/actions/prompts';
import type { ActionArgs } from './args';

export const FIX_KIND = vscode.CodeActionKind.QuickFix.append('phiCoder');
export const REFACTOR_KIND = vscode.CodeActionKind.RefactorRewrite.append('phiCoder');

const SEVERITY = ['error', 'warning', 'info', 'hint'] as const;

export function diagnosticInfo(d: vscode.Diagnostic): DiagnosticInfo {
  return {
    line: d.range.start.line,
    message: d.message,
    severity: SEVERITY[d.severity],
    source: d.source,
    code: typeof d.code === 'object' ? String(d.code.value) : d.code !== undefined ? String(d.code) : undefined,
  };
}

export class PhiCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [FIX_KIND, REFACTOR_KIND],
  };

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);
    if (wants(FIX_KIND)) {
      const diagnostics = context.diagnostics.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).slice(0, 3);
      for (const d of diagnostics) {
        const short = d.message.split('\n')[0]!.slice(0, 60);
        const action = new vscode.CodeAction(`Fix with Phi Coder: ${short}`, FIX_KIND);
        action.diagnostics = [d];
        const args: ActionArgs = { uri: doc.uri, range: d.range, diagnostics: [diagnosticInfo(d)] };
        action.command = { command: 'phiCoder.fix', title: 'Fix with Phi Coder', arguments: [args] };
        actions.push(action);
      }
    }
    if (wants(REFACTOR_KIND) && context.triggerKind === vscode.CodeActionTriggerKind.Invoke) {
      const args: ActionArgs = { uri: doc.uri, range };
      for (const [command, title] of [
        ['phiCoder.refactor', 'Refactor with Phi Coder…'],
        ['phiCoder.addDocs', 'Add Docs with Phi Coder'],
        ['phiCoder.writeTests', 'Write Tests with Phi Coder'],
      ] as const) {
        const action = new vscode.CodeAction(title, REFACTOR_KIND);
        action.command = { command, title, arguments: [args] };
        actions.push(action);
      }
    }
    return actions;
  }
}
