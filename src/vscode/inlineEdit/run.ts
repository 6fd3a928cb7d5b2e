/**
 * One round of an inline edit: build the (conversation) prompt, stream the answer into the session's vertical diff,
 * then validate the finished proposal as the actions do (fences and prose stripped, no new parse errors).
 */
import * as vscode from 'vscode';
import { contextBudgetFor, fixedPromptTokens, PromptTooLargeError } from '../../core/actions/prompts';
import { extractCode } from '../../core/actions/extract';
import { validateProposal } from '../../core/actions/validate';
import { buildEditPrompt } from '../../core/edit/editPrompt';
import { isAbortError } from '../../core/backends/errors';
import { countTokens } from '../../core/tokens';
import type { Services } from '../services';
import { assembleContext } from '../actions/args';
import { streamAnswer } from '../actions/modelStream';
import type { BudgetParts } from './input';
import type { InlineEditSession } from './session';
import { DIFF_PREVIEW_PACING, LiveRedraws } from '../../shared/redrawPacer';

/** Redraw the streaming proposal at most this often. */
const STREAM_REFRESH_MS = 80;

export interface RoundDeps {
  services: Services;
}

/** The project rules for the edited file, budgeted for a `window`-token model. */
function rulesFor(deps: RoundDeps, session: InlineEditSession, window: number) {
  return deps.services.rules.forPrompt(session.document.uri, 'edit', window);
}

function targetOf(session: InlineEditSession) {
  return { ...session.target, start: session.start, end: session.start + session.original.length };
}

function promptInput(deps: RoundDeps, session: InlineEditSession, window: number) {
  const settings = deps.services.settings();
  const rules = rulesFor(deps, session, window);
  const relPath = deps.services.context.snapshot(session.document, session.document.positionAt(session.start)).relPath;
  return {
    doc: { relPath, languageId: session.document.languageId, text: session.baseText() },
    target: targetOf(session),
    instruction: session.instruction,
    rounds: session.turns.map((t) => ({ instruction: t.instruction, answer: t.answer })),
    window,
    answerTokens: settings.chat.maxAnswerTokens,
    rules: rules.text,
  };
}

/** The numbers for the instruction box (the model's window when known, else the configured or Phi-4 window). */
export function budgetFor(deps: RoundDeps, session: InlineEditSession, window: number): BudgetParts {
  const input = promptInput(deps, session, window);
  const rules = rulesFor(deps, session, window).tokens;
  return { window, fixed: fixedPromptTokens({ ...input, action: 'edit', instruction: '', rules: undefined }), rules, reserve: input.answerTokens };
}

/** Stream one round into `session`. Resolves when the proposal is complete and checked (or the round failed). */
export async function runRound(deps: RoundDeps, session: InlineEditSession): Promise<void> {
  const { services } = deps;
  const signal = session.abort.signal;
  session.phase = 'streaming';
  session.invalid = undefined;
  session.received = 0;
  session.fire();
  let raw = '';
  try {
    const active = await services.backends.active();
    await services.rules.ready();
    if (signal.aborted) return;
    const input = promptInput(deps, session, active.contextWindow);
    const snapshot = services.context.snapshot(session.document, session.document.positionAt(session.start));
    snapshot.text = input.doc.text;
    const context = await assembleContext(services, snapshot, contextBudgetFor({ ...input, action: 'edit' }), signal);
    const prompt = buildEditPrompt({ ...input, context });
    services.logger.info(`inline edit: round ${session.turns.length + 1}, ${prompt.promptTokens} prompt tokens (context ${prompt.contextTokens}, surrounding code ${prompt.excerptTokens}, rules ${countTokens(input.rules)})`);
    const stream = streamAnswer(services, { active, messages: prompt.messages, promptTokens: prompt.promptTokens, feature: 'inline-edit', signal });
    const transform = (final: boolean) => extractCode(raw, { original: session.original, partial: !final });
    // Each redraw re-transforms and re-diffs the whole answer: redraws are paced by the answer's size and what the last
    // transform cost (always drawing the latest text: a stream may pause for long), and above the live limit the review
    // keeps its last drawing while the CodeLens counts what has arrived. The one full transform is the final one, so no
    // redraw on the host's thread grows with the answer.
    const redraws = new LiveRedraws(DIFF_PREVIEW_PACING);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let drawing: Promise<void> = Promise.resolve();
    const draw = () => {
      timer = undefined;
      if (signal.aborted || raw.length > redraws.limit) return;
      const start = performance.now();
      const code = transform(false);
      redraws.drew(start, performance.now());
      drawing = drawing.then(() => session.setProposal(code, false)).catch(() => undefined);
    };
    const schedule = () => {
      if (timer || signal.aborted) return;
      const now = performance.now();
      // Past the live limit the step is 'progress' (at most every 250 ms: the CodeLens count moves) or 'wait'.
      const step = redraws.step(now, raw.length);
      if (step === 'progress') session.fire();
      else if (raw.length <= redraws.limit) timer = setTimeout(draw, Math.max(STREAM_REFRESH_MS, redraws.wait(now, raw.length)));
    };
    try {
      for await (const chunk of stream.chunks) {
        raw += chunk;
        session.received = raw.length;
        schedule();
      }
    } finally {
      clearTimeout(timer);
      await drawing;
    }
    if (signal.aborted) return;
    const code = transform(true);
    session.phase = 'validating';
    await session.setProposal(code, true);
    const usage = await stream.finished;
    const base = session.baseText();
    const range = { start: session.start, end: session.start + session.original.length };
    const full = base.slice(0, range.start) + code + base.slice(range.end);
    const check = await validateProposal(session.document.languageId, code, base, full, range);
    let problem = check.problem ?? (code === session.original ? 'the model proposed no change' : undefined);
    if (problem && usage?.stopReason === 'length') problem += ` (the answer was cut off at ${usage.completionTokens} tokens)`;
    if (problem && usage?.stopReason === 'window') problem += ` (the answer was cut off at ${usage.completionTokens} tokens: the model's context window was full)`;
    session.invalid = problem;
    session.turns.push({ instruction: session.instruction, answer: raw, code });
    session.phase = 'review';
    if (problem) void vscode.window.showWarningMessage(`Phi Coder: the edit cannot be applied: ${problem}. Refine it or reject it.`);
    session.fire();
  } catch (err) {
    if (isAbortError(err) || signal.aborted) return;
    session.invalid = err instanceof Error ? err.message : String(err);
    session.phase = 'review';
    if (err instanceof PromptTooLargeError) void vscode.window.showWarningMessage(`Phi Coder: ${err.message}`);
    else services.backends.reportError(err, 'inline-edit');
    // Nothing usable arrived: show the original again.
    await session.restoreOriginal();
    session.fire();
  }
}
