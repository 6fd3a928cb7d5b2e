// PLACEHOLDER: the status bar item (issue 2) lands in the next commits.
import type { Services } from './services';
export function registerStatusBar(_services: Services): void {}
