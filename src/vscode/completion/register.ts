// PLACEHOLDER until issue 5 lands: the inline completion provider registers here.
import type { Services } from '../services';
export function registerCompletions(_services: Services): void {}
