/**
 * The instruction boxes (Refactor…, Ctrl+I): a quick pick of ready-made instructions that also takes free text typed
 * into it. Resolves with the instruction, or undefined when dismissed.
 */
import * as vscode from 'vscode';

export type InstructionItem = vscode.QuickPickItem & { instruction: string };

export interface InstructionPickOptions {
  title: string;
  placeholder: string;
  items: InstructionItem[];
  matchOnDetail?: boolean;
  /** Called as the user types (e.g. to update the title). */
  onValue?: (value: string, pick: vscode.QuickPick<InstructionItem>) => void;
}

export async function pickInstruction(opts: InstructionPickOptions): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<InstructionItem>();
  qp.title = opts.title;
  qp.placeholder = opts.placeholder;
  qp.items = opts.items;
  qp.matchOnDetail = opts.matchOnDetail ?? false;
  qp.onDidChangeValue((value) => {
    const v = value.trim();
    qp.items = v ? [{ label: v, description: 'your instruction', instruction: v, alwaysShow: true }, ...opts.items] : opts.items;
    opts.onValue?.(v, qp);
  });
  try {
    return await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.instruction ?? (qp.value.trim() || undefined)));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}
