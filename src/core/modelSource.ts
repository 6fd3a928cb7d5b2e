/**
 * Which model a workspace may choose. `phiCoder.chatModel` and `completionModel` can be set in a cloned repository's
 * .vscode/settings.json; a model name decides where prompts run (Ollama runs `*-cloud` models off the machine for a
 * signed-in user) and what a Pull downloads from where (`registry.example/ns/model`). So a workspace's model is used
 * only after the user allowed it, and registry-qualified or cloud names from a workspace are refused outright.
 */
import { isValidModelId } from './untrusted';

/** The registry a model name pulls from: a host before the first `/`, else Ollama's own library. */
export function modelRegistry(name: string): string {
  const slash = name.indexOf('/');
  const first = slash > 0 ? name.slice(0, slash) : '';
  return first && (/[.:]/.test(first) || first === 'localhost') ? first : 'registry.ollama.ai';
}

/** Registry-qualified (`host/ns/model`) or cloud-tagged (`model:tag-cloud`, `model:cloud`, `model-cloud`). */
export function isRemoteModelName(name: string): boolean {
  if (modelRegistry(name) !== 'registry.ollama.ai') return true;
  const tag = name.includes(':') ? name.slice(name.lastIndexOf(':') + 1) : name;
  return /(^|-)cloud$/i.test(tag);
}

export interface ModelChoice {
  /** The model to use (undefined: the default). */
  value: string | undefined;
  /** A workspace's model that the user has not allowed yet: ask. */
  ask?: string;
  /** A workspace's model that is never used (remote, or not a model id). */
  refused?: string;
}

/** The model setting's value given its user-level and workspace-level values and what the user allowed. */
export function chooseModel(user: unknown, workspace: unknown, allowed: (model: string) => boolean): ModelChoice {
  const u = typeof user === 'string' ? user : undefined;
  const w = typeof workspace === 'string' ? workspace.trim() : undefined;
  if (w === undefined || w === (u ?? '').trim()) return { value: u };
  if (w !== '' && (!isValidModelId(w) || isRemoteModelName(w))) return { value: u, refused: w };
  if (allowed(w)) return { value: w };
  return { value: u, ask: w };
}
