// PLACEHOLDER: backend/model commands (issue 2) land in the next commits.
import type { Services } from './services';
export function registerBackendCommands(_services: Services): void {}
