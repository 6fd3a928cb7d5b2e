/**
 * The endpoint URL a person configured. A user name or password in it (`http://me:secret@host`) would be written to
 * the log and shown in every error that names the server, so it is refused: keys go in SecretStorage ("Phi Coder:
 * Set API Key"). Anything that prints a URL can also pass it through `redactUrl`.
 */
import { BackendError } from './errors';

/** `text` with the user-info part of every http(s) URL in it replaced by `***`. */
export function redactUrl(text: string): string {
  return text.replace(/\b(https?:\/\/)[^\s/@]*@/gi, '$1***@');
}

/** Throws BackendError 'auth' when `endpoint` is not an http(s) URL or carries a user name or password. */
export function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new BackendError('auth', `The endpoint "${redactUrl(endpoint)}" is not a URL; set phiCoder.endpoint to e.g. http://127.0.0.1:11434`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BackendError('auth', `The endpoint must be an http:// or https:// URL, not ${url.protocol}`);
  if (url.username || url.password) {
    throw new BackendError('auth', `The endpoint ${redactUrl(endpoint)} contains a user name or password, which would be logged and shown in messages; remove it from phiCoder.endpoint and store the key with "Phi Coder: Set API Key"`);
  }
}
