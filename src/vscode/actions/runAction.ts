/**
 * The shared run loop of the actions that propose a change: progress notification with cancel (aborting the request),
 * the model's answer streamed into the diff preview, validation before it can be accepted, errors reported once.
 */
import * as vscode from 'vscode';
import { isAbortError } from '../../core/backends/errors';
import type { ChatMessage } from '../../core/backends/types';
import { PromptTooLargeError } from '../../core/actions/prompts';
import type { ActiveBackend } from '../backendService';
import type { Services } from '../services';
import { showDiffPreview, type DiffPreviewOptions, type DiffPreviewOutcome } from '../diffPreview';
import { streamAnswer } from './modelStream';

export interface ProposalRequest {
  feature: string;
  /** Progress title, e.g. "Refactoring `add`". */
  title: string;
  /** Builds the prompt once the backend is known (its window decides the budget). May throw PromptTooLargeError. */
  prompt(active: ActiveBackend, signal: AbortSignal): Promise<{ messages: ChatMessage[]; promptTokens: number }>;
  /** The diff preview, minus the stream (added here). */
  preview: Omit<DiffPreviewOptions, 'stream' | 'newText' | 'signal'>;
}

export type ProposalOutcome = DiffPreviewOutcome | 'cancelled' | 'failed';

/** Run a proposal end to end. Never throws: failures are shown to the user and logged. */
export async function runProposal(services: Services, req: ProposalRequest): Promise<ProposalOutcome> {
  const controller = new AbortController();
  let preview: Promise<DiffPreviewOutcome> | undefined;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Phi Coder: ${req.title}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        progress.report({ message: 'connecting to the model…' });
        const active = await services.backends.active();
        if (controller.signal.aborted) return;
        progress.report({ message: 'gathering context…' });
        const prompt = await req.prompt(active, controller.signal);
        if (controller.signal.aborted) return;
        progress.report({ message: `${prompt.promptTokens} prompt tokens sent; waiting for the first token…` });
        const stream = streamAnswer(services, {
          active,
          messages: prompt.messages,
          promptTokens: prompt.promptTokens,
          feature: req.feature,
          signal: controller.signal,
          onProgress: (chars) => progress.report({ message: `writing… ${chars} characters` }),
        });
        const validate = req.preview.validate;
        preview = showDiffPreview({
          ...req.preview,
          stream: stream.chunks,
          signal: controller.signal,
          validate: async (replacement, full) => {
            const usage = await stream.finished;
            const problem = await validate?.(replacement, full);
            if (problem && usage?.stopReason === 'window') return `${problem} (the answer was cut off at ${usage.completionTokens} tokens: the model's context window was full; select less code)`;
            if (problem && usage?.stopReason === 'length') return `${problem} (the answer was cut off at ${usage.completionTokens} tokens: raise phiCoder.chat.maxAnswerTokens or select less code)`;
            return problem;
          },
        });
        // The notification stays while the answer streams; reviewing the diff happens without it.
        await Promise.race([stream.finished, preview.catch(() => undefined)]);
      },
    );
    if (!preview) return 'cancelled';
    const outcome = await preview;
    services.logger.info(`${req.feature}: proposal ${outcome}`);
    return outcome;
  } catch (err) {
    if (isAbortError(err) || controller.signal.aborted) {
      services.logger.info(`${req.feature}: cancelled`);
      return 'cancelled';
    }
    if (err instanceof PromptTooLargeError) {
      void vscode.window.showWarningMessage(`Phi Coder: ${err.message}`);
      return 'failed';
    }
    services.backends.reportError(err, req.feature);
    return 'failed';
  } finally {
    // A proposal rejected while it was still streaming must not keep the model busy.
    controller.abort();
  }
}
