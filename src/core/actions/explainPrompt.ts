/** The question Explain asks in the chat (the code itself travels as an attachment). */
import { describeTarget, type ActionTarget } from './target';

export interface ExplainInput {
  relPath: string;
  target: Pick<ActionTarget, 'kind' | 'name'>;
  /** 0-based lines of the target. */
  startLine: number;
  endLine: number;
  diagnostics?: { line: number; message: string }[];
}

export function explainQuestion(input: ExplainInput): string {
  const t = input.target;
  const what = describeTarget(t);
  const lines = [
    `Explain ${what} in ${input.relPath} (lines ${input.startLine + 1}-${input.endLine + 1}), attached: ` +
      'what it does and why, its inputs, outputs and side effects, how it works step by step where that is not obvious, ' +
      'and anything surprising or risky (edge cases, errors, performance). Be concise.',
  ];
  const diags = input.diagnostics ?? [];
  if (diags.length) {
    lines.push('The editor reports these problems in it; explain them too:');
    for (const d of diags.slice(0, 10)) lines.push(`- line ${d.line + 1}: ${d.message}`);
  }
  return lines.join('\n');
}
