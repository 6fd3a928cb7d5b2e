/** The right-click actions (explain, refactor, docs, tests, fix) and the diff preview they and the chat share. */
import type { Services } from '../services';
import { registerDiffPreview } from '../diffPreview';

export function registerActions(services: Services): void {
  registerDiffPreview(services.extension.subscriptions);
}
