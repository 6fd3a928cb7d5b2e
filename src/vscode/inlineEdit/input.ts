/**
 * The instruction box of Ctrl+I: a quick pick at the top of the editor offering the recent instructions, with the
 * window budget in its title (updated as the user types: the instruction's exact tokens are added to the fixed part).
 */
import * as vscode from 'vscode';
import { countTokens } from '../../core/tokens';
import { pickInstruction } from '../instructionPick';

const RECENT_KEY = 'phiCoder.inlineEdit.recent';
const MAX_RECENT = 12;

export interface BudgetParts {
  window: number;
  /** Tokens of the prompt without context and instruction: system, the code to change, the reply instructions. */
  fixed: number;
  /** Project rules in the system prompt. */
  rules: number;
  /** Tokens reserved for the answer. */
  reserve: number;
}

/** "16,384-token window · code and instructions 412 · rules 90 · context up to 6,900 · answer 2,048" */
export function budgetLine(b: BudgetParts, instruction: string): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const used = b.fixed + countTokens(instruction);
  const context = Math.max(0, b.window - b.reserve - used - b.rules - 64);
  const parts = [`${fmt(b.window)}-token window`, `code and instruction ${fmt(used)}`];
  if (b.rules > 0) parts.push(`rules ${fmt(b.rules)}`);
  parts.push(`context up to ${fmt(context)}`, `answer ${fmt(b.reserve)}`);
  if (context <= 0) parts.push('too large: select less code');
  return parts.join(' · ');
}

export function recentInstructions(memento: vscode.Memento): string[] {
  const v = memento.get<unknown>(RECENT_KEY);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_RECENT) : [];
}

export async function rememberInstruction(memento: vscode.Memento, instruction: string): Promise<void> {
  const list = [instruction, ...recentInstructions(memento).filter((x) => x !== instruction)].slice(0, MAX_RECENT);
  await memento.update(RECENT_KEY, list);
}

/** Ask for an instruction. `title` names the target ("Edit `total`", "Refine the edit of `total`"). */
export function askInstruction(memento: vscode.Memento, title: string, budget: BudgetParts | undefined): Promise<string | undefined> {
  const describe = (value: string) => `Phi Coder: ${title}${budget ? ` — ${budgetLine(budget, value)}` : ''}`;
  return pickInstruction({
    title: describe(''),
    placeholder: 'Describe the change (e.g. "handle an empty list", "use a Map") — Enter to run, Esc to cancel',
    items: recentInstructions(memento).map((r) => ({ label: r, description: 'recent', instruction: r })),
    onValue: (value, pick) => (pick.title = describe(value)),
  });
}
