/**
 * Redirects on backend requests. fetch follows them by default, and a 307/308 re-sends the whole POST (the prompt,
 * the bearer key's request) wherever the server points. Only redirects within the same origin (scheme, host, port)
 * are followed; one to another origin fails the request, is logged, and nothing is sent there.
 */
import { BackendError } from './errors';
import type { FetchLike } from './request';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

/** A fetch that follows same-origin redirects itself and refuses cross-origin ones. */
export function sameOriginRedirectsOnly(base: FetchLike, onRefused?: (from: string, to: string) => void): FetchLike {
  return async (input, init) => {
    let url = urlOf(input);
    let method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    let body = init?.body;
    for (let hop = 0; ; hop++) {
      const res = await base(hop === 0 ? input : url, { ...init, method, body, redirect: 'manual' });
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null) return res;
      await res.body?.cancel().catch(() => undefined);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        onRefused?.(url.origin, next.origin);
        throw new BackendError('server', `${url.origin} redirected the request to another server (${next.origin}); Phi Coder does not follow redirects to other origins, so nothing was sent there`, res.status);
      }
      if (hop >= MAX_HOPS) throw new BackendError('server', `${url.origin} redirected the request more than ${MAX_HOPS} times`, res.status);
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  };
}
