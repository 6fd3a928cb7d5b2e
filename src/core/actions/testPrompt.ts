/**
 * The Write Tests prompt: the code under test, what it uses, and the existing test file (when there is one) so new
 * tests match its style. When the existing file is small enough to be rewritten inside the answer reserve, the model
 * returns the whole updated file; otherwise it returns tests to append at its end.
 */
import type { ChatMessage } from '../backends/types';
import { renderPhi4 } from '../prompt/phi4';
import { withRules } from '../rules/render';
import { countTokens, truncateToTokens } from '../tokens';
import { fenceTag, promptBudget, PromptTooLargeError, type BuiltPrompt } from './prompts';
import { describeTarget, type ActionTarget } from './target';
import type { TestPlan } from './testFiles';

export type TestWriteMode = 'new-file' | 'rewrite-file' | 'append';

export interface TestPromptInput {
  plan: TestPlan;
  /** Workspace-relative paths, for the prompt. */
  sourceRelPath: string;
  testRelPath: string;
  languageId: string;
  sourceText: string;
  target: ActionTarget;
  /** The test file's current text; undefined when it does not exist. (For same-file tests: the source file.) */
  existing?: string;
  context?: { text: string; tokens: number };
  window: number;
  answerTokens: number;
  /** Project rules for the source file, already budgeted (appended to the system prompt). */
  rules?: string;
}

export interface BuiltTestPrompt extends BuiltPrompt {
  mode: TestWriteMode;
}

/** An existing test file is rewritten whole only when it uses at most this share of the answer reserve. */
const REWRITE_SHARE = 0.5;

const SYSTEM =
  'You are Phi Coder, an expert software engineer who writes focused, runnable unit tests. ' +
  'Cover the normal cases, edge cases and error cases of the code under test; one behaviour per test, with clear names. ' +
  'Use only the test framework you are told to use and the code shown; do not invent APIs. ' +
  'Reply with a single fenced code block and nothing else.';

export function chooseTestMode(input: Pick<TestPromptInput, 'existing' | 'answerTokens' | 'plan'>): TestWriteMode {
  if (input.existing === undefined || input.existing.trim() === '') return 'new-file';
  if (input.plan.sameFile) return 'append';
  return countTokens(input.existing) <= input.answerTokens * REWRITE_SHARE ? 'rewrite-file' : 'append';
}

function task(input: TestPromptInput, mode: TestWriteMode): string {
  const what = describeTarget(input.target);
  const how = `Use ${input.plan.framework}; ${input.plan.importHint}.`;
  switch (mode) {
    case 'new-file':
      return `Write the complete test file ${input.testRelPath} for ${what} from ${input.sourceRelPath}. ${how} Reply with the whole file.`;
    case 'rewrite-file':
      return `Add tests for ${what} from ${input.sourceRelPath} to the test file ${input.testRelPath} shown above. ${how} Keep every existing test unchanged. Reply with the whole updated file.`;
    case 'append':
      return input.plan.sameFile
        ? `Write a #[cfg(test)] module with tests for ${what}, to be appended at the end of ${input.sourceRelPath}. ${how} Reply with only the module.`
        : `Write new tests for ${what} from ${input.sourceRelPath}, to be appended at the end of ${input.testRelPath} (its beginning is shown above). ${how} Do not repeat its imports or existing tests. Reply with only the code to append.`;
  }
}

function user(input: TestPromptInput, mode: TestWriteMode, context: string, existing: string): string {
  const tag = fenceTag(input.languageId);
  const parts: string[] = [];
  if (context.trim()) parts.push(`Definitions from the project that the code under test uses:\n${context.trim()}`);
  parts.push(`The code under test (${input.sourceRelPath}):\n` + '```' + tag + '\n' + input.sourceText.slice(input.target.start, input.target.end) + '\n```');
  if (existing && !input.plan.sameFile) parts.push(`The existing test file ${input.testRelPath}${mode === 'append' ? ' (beginning)' : ''}:\n` + '```' + tag + '\n' + existing + '\n```');
  parts.push(task(input, mode));
  return parts.join('\n\n');
}

function render(rules: string | undefined, u: string): { messages: ChatMessage[]; tokens: number } {
  const messages: ChatMessage[] = [
    { role: 'system', content: withRules(SYSTEM, rules) },
    { role: 'user', content: u },
  ];
  return { messages, tokens: countTokens(renderPhi4(messages)) };
}

/** Tokens of cross-file context worth asking the engine for (a third of what remains after the code under test). */
export function testContextBudget(input: Omit<TestPromptInput, 'context'>): number {
  const fixed = render(input.rules, user(input, 'new-file', '', '')).tokens;
  return Math.max(0, Math.floor((promptBudget(input.window, input.answerTokens) - fixed) / 3));
}

export function buildTestPrompt(input: TestPromptInput): BuiltTestPrompt {
  const budget = promptBudget(input.window, input.answerTokens);
  const mode = chooseTestMode(input);
  const fixed = render(input.rules, user(input, mode, '', '')).tokens;
  if (fixed > budget) {
    throw new PromptTooLargeError(fixed, budget, `The code under test is too large for the model's window (${fixed} tokens; ${budget} fit). Select a smaller part.`);
  }
  let room = budget - fixed;
  // The existing test file first (style and imports), then cross-file context.
  let existing = input.existing ?? '';
  if (mode === 'append' && existing) existing = truncateToTokens(existing, Math.min(Math.floor(room / 2), 1500));
  room -= existing ? countTokens(existing) + 16 : 0;
  if (room < 0) throw new PromptTooLargeError(budget - room, budget, 'The code under test and its test file do not fit in the window. Select a smaller part.');
  let context = input.context?.text ?? '';
  for (let attempt = 0; attempt < 4; attempt++) {
    if (context && countTokens(context) > room - 16) context = truncateToTokens(context, Math.max(0, room - 16));
    const built = render(input.rules, user(input, mode, context, existing));
    if (built.tokens <= budget) {
      return { messages: built.messages, promptTokens: built.tokens, contextTokens: context ? countTokens(context) : 0, excerptTokens: existing ? countTokens(existing) : 0, mode };
    }
    room -= built.tokens - budget + 16;
  }
  const bare = render(input.rules, user(input, mode, '', existing));
  if (bare.tokens > budget) throw new PromptTooLargeError(bare.tokens, budget, 'The test prompt does not fit in the window. Select a smaller part.');
  return { messages: bare.messages, promptTokens: bare.tokens, contextTokens: 0, excerptTokens: countTokens(existing), mode };
}
