/**
 * Consent before the first prompt goes to an auto-detected server. Whatever listens on a loopback port is not
 * necessarily the server it claims to be, so a detected server is used only once the user said so; the answer is
 * remembered per kind and address (globalState), and the question is asked at most once per session.
 */
import type { Detection } from './detect';

export interface ConsentStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export class DetectedServerConsent {
  private readonly asked = new Set<string>();

  constructor(
    private readonly store: ConsentStore,
    /** Ask the user; resolves true when they allow it. */
    private readonly ask: (d: Detection) => PromiseLike<boolean>,
    /** Called after the user allowed a server (e.g. to re-check the backend at once). */
    private readonly onGranted: () => void,
  ) {}

  static key(d: Pick<Detection, 'kind' | 'endpoint'>): string {
    return `consent.detected:${d.kind}:${d.endpoint}`;
  }

  /** May prompts go to `d`? When not yet, asks (once per session) and returns false. */
  allowed(d: Detection): boolean {
    const key = DetectedServerConsent.key(d);
    if (this.store.get<boolean>(key) === true) return true;
    if (!this.asked.has(key)) {
      this.asked.add(key);
      void Promise.resolve(this.ask(d)).then(async (ok) => {
        if (!ok) return;
        await this.store.update(key, true);
        this.onGranted();
      });
    }
    return false;
  }
}
