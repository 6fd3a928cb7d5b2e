/**
 * Rules commands: create a starter .phicoder/rules/project.md, open the user-level rules file, and show which rules
 * apply to the current file (per feature, with their tokens in each prompt).
 */
import * as vscode from 'vscode';
import { PHI4_CONTEXT_WINDOW } from '../../core/config';
import { RULE_FEATURES } from '../../core/rules/rules';
import { compactRules, COMPLETION_RULES_TOKENS } from '../../core/rules/render';
import { countTokens } from '../../core/tokens';
import type { RulesService } from './rulesService';

const REPORT_SCHEME = 'phi-coder-rules';

export const STARTER_RULES = `---
applyTo: "**"
features: chat, edit, actions, completions
---
<!--
Project rules for Phi Coder. Write them below this comment, as short concrete lines; until then this file has no effect.
- applyTo: globs (relative to the workspace folder) of the files these rules are for; "**" means every file.
- features: which features get them: chat, edit (Ctrl+I), actions, completions.
Completions get only the first ~${COMPLETION_RULES_TOKENS} tokens of all rules that apply. For example:
- The project uses TypeScript 5 in strict mode and Node 20.
- Name booleans as questions (isReady, hasItems).
- Never use the deprecated request() helper; use fetchJson().
-->
`;

export function registerRulesCommands(subs: vscode.Disposable[], rules: RulesService, window: () => number): void {
  const reports = new Map<string, string>();
  let count = 0;
  subs.push(
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, { provideTextDocumentContent: (uri) => reports.get(uri.path) ?? '' }),
    vscode.commands.registerCommand('phiCoder.createProjectRules', async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder for .phicoder/rules/project.md' }) : folders[0];
      if (!folder) {
        void vscode.window.showInformationMessage('Phi Coder: open a folder first; project rules live in it.');
        return undefined;
      }
      const uri = vscode.Uri.joinPath(folder.uri, '.phicoder', 'rules', 'project.md');
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (!exists) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER_RULES));
      await vscode.window.showTextDocument(uri, { preview: false });
      return uri.toString();
    }),
    vscode.commands.registerCommand('phiCoder.editUserRules', async () => {
      const uri = rules.userRulesUri();
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (!exists) {
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('<!-- Your rules for Phi Coder, for every workspace (after the project\'s own). Write them below this line. -->\n'));
      }
      await vscode.window.showTextDocument(uri, { preview: false });
      return uri.toString();
    }),
    vscode.commands.registerCommand('phiCoder.showRules', async () => {
      await rules.ready();
      const uri = vscode.window.activeTextEditor?.document.uri;
      const text = rulesReport(rules, uri, window());
      const doc = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/rules-${++count}.md` });
      reports.set(doc.path, text);
      if (reports.size > 10) reports.delete(reports.keys().next().value as string);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc), { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
      return text;
    }),
  );
}

/** Markdown: which rules apply to `uri` for each feature, and the tokens they take. */
export function rulesReport(rules: RulesService, uri: vscode.Uri | undefined, window = PHI4_CONTEXT_WINDOW): string {
  const target = rules.targetOf(uri);
  const lines = [`# Project rules for ${target ? target.path : 'no file (only rules without applyTo apply)'}`, ''];
  if (rules.all().length === 0) lines.push('No rules files found. Run "Phi Coder: Create Project Rules" to start one.', '');
  for (const feature of RULE_FEATURES) {
    if (feature === 'completions') {
      const compact = compactRules(rules.forFile(uri, feature));
      const from = rules.forFile(uri, feature).map((r) => r.path);
      lines.push(`## completions: ${countTokens(compact)} tokens (compact form, cap ${COMPLETION_RULES_TOKENS}, at the start of the prompt)`, from.length ? from.map((p) => `- ${p}`).join('\n') : '- none', '');
      continue;
    }
    const r = rules.forPrompt(uri, feature, window);
    lines.push(`## ${feature}: ${r.tokens} tokens in the system prompt`);
    lines.push(r.sources.length ? r.sources.map((s) => `- ${s.folder ? `${s.folder}/` : ''}${s.path}: ${s.dropped ? 'left out (window budget)' : `${s.tokens} tokens${s.cut ? ', cut to fit' : ''}`}`).join('\n') : '- none', '');
  }
  if (rules.skipped.length) lines.push('## Not read', ...rules.skipped.map((s) => `- ${s}`), '');
  return lines.join('\n');
}
