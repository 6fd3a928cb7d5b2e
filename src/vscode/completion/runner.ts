/**
 * Connects the core scheduler to the extension: the backend service's active completion model becomes the
 * pipeline's target, and every prompt style/model change shows in the status bar.
 */
import type { ActiveBackend } from '../backendService';
import type { Services } from '../services';
import type { DocumentSnapshot } from '../../core/context/types';
import { CompletionPipeline, type CompletionTarget, type PreparedCompletion, type RunHooks, type RunResult } from '../../core/completion/pipeline';
import { promptStyleFor } from '../../core/completion/buildPrompt';
import type { CompletionRunner } from '../../core/completion/scheduler';
import type { IndentStyle } from '../../core/completion/types';
import { setCompletionModelLine } from '../completionStatus';

/** "qwen2.5-coder:1.5b (native FIM: qwen2.5-coder)" or "phi4 (hole-filling prompt)". */
export function completionModelLine(a: Pick<ActiveBackend, 'completionModel' | 'completionInfo'>): string {
  const style = promptStyleFor(a.completionInfo);
  return `${a.completionModel} (${style === 'phi4-hole' ? 'hole-filling prompt' : `native FIM: ${style.slice(4)}`})`;
}

export class ExtensionCompletionRunner implements CompletionRunner {
  private namespace = '';
  /** The target of the last successful prepare(), for warm-ups (which must not probe the backend). */
  private lastTarget: CompletionTarget | undefined;

  constructor(
    private readonly services: Services,
    private readonly pipeline: CompletionPipeline,
  ) {}

  cacheNamespace(): string {
    return this.namespace;
  }

  async prepare(doc: DocumentSnapshot, indent: IndentStyle): Promise<PreparedCompletion> {
    const active = await this.services.backends.active();
    const s = this.services.settings();
    this.pipeline.configure({ maxTokens: s.completions.maxTokens });
    const target: CompletionTarget = {
      backend: active.backend,
      backendKind: active.backend.kind,
      model: active.completionModel,
      info: active.completionInfo,
      contextWindow: active.contextWindow,
    };
    this.namespace = `${active.backend.endpoint}|${active.completionModel}|${promptStyleFor(active.completionInfo)}`;
    setCompletionModelLine(completionModelLine(active));
    this.lastTarget = target;
    return this.pipeline.prepare(doc, target, indent);
  }

  warm(doc: DocumentSnapshot, indent: IndentStyle): void {
    if (this.lastTarget) void this.pipeline.prepare(doc, this.lastTarget, indent, { warmUp: true }).catch(() => undefined);
  }

  run(p: PreparedCompletion, signal: AbortSignal, hooks: RunHooks): Promise<RunResult> {
    return this.pipeline.run(p, signal, hooks);
  }
}
