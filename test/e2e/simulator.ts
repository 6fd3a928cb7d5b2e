/**
 * Starts the backend simulator (test/sim, a TEST DOUBLE of Ollama / llama.cpp / OpenAI-compatible servers) inside
 * the extension host, on 127.0.0.1, and points the extension at it through the user settings (phiCoder.backend and
 * phiCoder.endpoint are application-scoped: only ConfigurationTarget.Global counts).
 */
import { startSimulator, type SimOptions, type Simulator } from '../sim';
import { setUserSetting } from './helpers';

export interface UsedSimulator {
  sim: Simulator;
  /** Stops the simulator (if still running) and restores the user settings changed by useSimulator. */
  dispose(): Promise<void>;
}

/** Default: no artificial delays (timeScale 0); pass `timing` to get the simulator's GPU timing model. */
export async function useSimulator(opts: Partial<SimOptions> & { kind?: SimOptions['kind'] } = {}): Promise<UsedSimulator> {
  const kind = opts.kind ?? 'ollama';
  const sim = await startSimulator({ timing: { timeScale: 0 }, ...opts, kind });
  const restoreBackend = await setUserSetting('backend', kind);
  const restoreEndpoint = await setUserSetting('endpoint', sim.url);
  let closed = false;
  return {
    sim,
    async dispose() {
      if (!closed) await sim.close();
      closed = true;
      await restoreEndpoint();
      await restoreBackend();
    },
  };
}
