/**
 * Refactor…, Add Docs and Fix: rewrite the target (selection, or enclosing function/class) and propose the result as a diff.
 */
import * as vscode from 'vscode';
import { buildRewritePrompt, contextBudgetFor, type DiagnosticInfo, type RewriteAction } from '../../core/actions/prompts';
import { extractCode } from '../../core/actions/extract';
import { validateProposal } from '../../core/actions/validate';
import type { Services } from '../services';
import { pickInstruction } from '../instructionPick';
import { flashTarget, resolveTarget } from './resolveTarget';
import { runProposal, type ProposalOutcome } from './runAction';
import { assembleContext, type ActionArgs, resolveEditorArgs } from './args';

export const REFACTOR_PRESETS: readonly { label: string; instruction: string }[] = [
  { label: 'Simplify', instruction: 'simplify it: remove duplication, needless branches and temporary variables' },
  { label: 'Extract function', instruction: 'extract the most self-contained part into a well-named helper function defined right above it, and call it' },
  { label: 'Rename for clarity', instruction: 'rename local variables, parameters and private helpers to clear, descriptive names; do not rename anything exported or public' },
  { label: 'Add types', instruction: 'add precise type annotations to parameters, return values and non-obvious variables' },
  { label: 'Make async', instruction: 'make it asynchronous with async/await (or the language\'s equivalent), awaiting the calls that can be awaited' },
];

/** Ask for the refactoring: a preset, or free text typed into the same box. */
export async function pickRefactorInstruction(): Promise<string | undefined> {
  return pickInstruction({
    title: 'Phi Coder: Refactor',
    placeholder: 'Pick a refactoring or describe your own (e.g. "use a Map instead of an object")',
    items: REFACTOR_PRESETS.map((p) => ({ label: p.label, detail: p.instruction, instruction: p.instruction })),
    matchOnDetail: true,
  });
}

const LABELS: Record<RewriteAction, string> = { refactor: 'Refactor', addDocs: 'Add Docs', fix: 'Fix', edit: 'Edit' };

function diagnosticsFor(doc: vscode.TextDocument, range: vscode.Range, given?: DiagnosticInfo[]): DiagnosticInfo[] {
  if (given?.length) return given;
  const severity = ['error', 'warning', 'info', 'hint'] as const;
  return vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.range.intersection(range) !== undefined && d.severity <= vscode.DiagnosticSeverity.Warning)
    .slice(0, 20)
    .map((d) => ({
      line: d.range.start.line,
      message: d.message,
      severity: severity[d.severity],
      source: d.source,
      code: typeof d.code === 'object' ? String(d.code.value) : d.code !== undefined ? String(d.code) : undefined,
    }));
}

export async function runRewrite(services: Services, action: RewriteAction, args: ActionArgs = {}): Promise<ProposalOutcome> {
  const resolved = await resolveEditorArgs(args, services);
  if ('problem' in resolved) {
    void vscode.window.showInformationMessage(`Phi Coder: ${resolved.problem}`);
    return 'failed';
  }
  const { doc, editor, selection, position } = resolved;
  const found = await resolveTarget(doc, selection, position, {
    fallbackToLines: action === 'fix' && !!args.diagnostics?.length,
    // Add Docs rewrites the existing doc comment instead of stacking a second one above it.
    leadingComments: action === 'addDocs',
  });
  if ('problem' in found) {
    void vscode.window.showInformationMessage(`Phi Coder: ${found.problem}`);
    return 'failed';
  }
  const target = found.target;
  flashTarget(editor, target.range);
  const instruction = action === 'refactor' ? (args.instruction ?? (await pickRefactorInstruction())) : undefined;
  if (action === 'refactor' && !instruction) return 'cancelled';
  const diagnostics = action === 'fix' ? diagnosticsFor(doc, target.range, args.diagnostics) : undefined;
  const textAtStart = doc.getText();
  const original = textAtStart.slice(target.start, target.end);
  const what = target.name ? `\`${target.name}\`` : target.kind === 'selection' ? 'the selection' : `the ${target.kind}`;
  const settings = services.settings();
  return runProposal(services, {
    feature: `action:${action}`,
    title: `${LABELS[action]} ${what}`,
    prompt: async (active, signal) => {
      const snapshot = services.context.snapshot(doc, target.range.start, new vscode.Selection(target.range.start, target.range.end));
      await services.rules.ready();
      const rules = services.rules.forPrompt(doc.uri, 'actions', active.contextWindow).text;
      const base = { action, doc: { relPath: snapshot.relPath, languageId: doc.languageId, text: textAtStart }, target, instruction, diagnostics, window: active.contextWindow, answerTokens: settings.chat.maxAnswerTokens, rules };
      const context = await assembleContext(services, snapshot, contextBudgetFor(base), signal);
      const prompt = buildRewritePrompt({ ...base, context });
      services.logger.info(`action:${action}: target ${target.kind} ${target.name ?? ''} (${original.length} chars), context ${prompt.contextTokens} tokens, surrounding code ${prompt.excerptTokens} tokens`);
      return prompt;
    },
    preview: {
      document: doc,
      base: { text: textAtStart, start: target.start, end: target.end },
      title: `${LABELS[action]}${instruction ? `: ${instruction.length > 40 ? instruction.slice(0, 40) + '…' : instruction}` : ''}`,
      transform: (raw, final) => extractCode(raw, { original, partial: !final, midLine: target.midLine }) || (final ? '' : original),
      validate: async (replacement, full) => {
        const r = await validateProposal(doc.languageId, replacement, textAtStart, full, { start: target.start, end: target.end });
        if (!r.syntaxChecked && !r.problem) services.logger.info(`action:${action}: no grammar for ${doc.languageId}; the proposal was not syntax-checked`);
        if (!r.problem && replacement === original) return 'the model proposed no change';
        return r.problem;
      },
    },
  });
}
