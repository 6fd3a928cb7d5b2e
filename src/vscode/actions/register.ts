// PLACEHOLDER until issue 7 lands: the right-click actions register here.
import type { Services } from '../services';
export function registerActions(_services: Services): void {}
