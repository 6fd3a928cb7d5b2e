/** The internal command code actions use to stream a question into the chat, and its arguments (one definition for both sides). */
export const ASK_IN_CHAT_COMMAND = 'phiCoder.internal.askInChat';

export interface AskInChatArgs {
  prompt: string;
  title?: string;
  attachments?: { path: string; languageId: string; text: string; startLine?: number }[];
  /**
   * The prompt is exactly what the user typed, so its `@` mentions are resolved. By default a prompt is composed by the
   * extension (Explain's carries the editor's diagnostics, which a repository can word) and its mentions are not.
   */
  typed?: boolean;
}
