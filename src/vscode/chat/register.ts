// PLACEHOLDER until issue 6 lands: the chat view registers here.
import type { Services } from '../services';
export function registerChat(_services: Services): void {}
