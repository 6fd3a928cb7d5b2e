/**
 * The backend simulator (test/sim: a TEST DOUBLE of Ollama, the one thing that cannot be real here) for the UI
 * tier, started in the runner's process before code-server so the seeded user settings point at it.
 * The extension-host suite starts its own simulators inside the extension host.
 */
import { PHI4_MODEL, QWEN_CODER_MODEL, startSimulator, type Simulator } from '../../sim';

export async function startUiSimulator(log: (m: string) => void, port?: number): Promise<Simulator> {
  const sim = await startSimulator({ kind: 'ollama', port, models: [PHI4_MODEL, QWEN_CODER_MODEL], timing: { timeScale: 0 } });
  log(`UI simulator (TEST DOUBLE of Ollama) on ${sim.url}`);
  return sim;
}

/** User settings that point the extension at the simulator (backend and endpoint are user-level only). */
export function simulatorSettings(sim: Simulator): Record<string, unknown> {
  return { 'phiCoder.backend': 'ollama', 'phiCoder.endpoint': sim.url };
}
