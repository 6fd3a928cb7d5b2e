/**
 * Shared types of the inline-completion core (pure TypeScript, no vscode import).
 * Flow: DocumentSnapshot -> trigger rules -> cache / in-flight reuse -> debounce -> prompt -> backend stream -> post-processing.
 */
import type { StopReason } from '../backends/types';

export type CompletionTrigger = 'automatic' | 'manual';

/** Editor indentation settings the ghost text must follow. */
export interface IndentStyle {
  insertSpaces: boolean;
  tabSize: number;
}

/** How much the completion may span: decided from the syntax at the cursor. */
export type CompletionMode = 'single-line' | 'multi-line';

/** One prompt ready for the wire. */
export type BuiltPrompt =
  | { kind: 'raw'; prompt: string; stop: string[]; promptTokens: number; template: string }
  | { kind: 'infill'; prefix: string; suffix: string; stop: string[]; promptTokens: number; template: string; extra?: { filename: string; text: string }[] };

/** What a finished request produced, after post-processing. */
export interface CompletionOutcome {
  /** Ghost text to insert at the cursor ('' when rejected). */
  text: string;
  /** Raw model output (for "Show Last Completion Prompt"). */
  raw: string;
  stopReason: StopReason;
  /** Why post-processing rejected or cut the output, when it did. */
  note?: string;
}
