/**
 * TEST DOUBLE launcher: `npm run sim -- --kind ollama --port 11434 --reply "..."`.
 * Starts the LLM-server simulator (test/sim) in the foreground so a person can point the extension at it.
 */
import { startSimulator } from './index';
import { PHI4_MINI_MODEL, PHI4_MODEL, QWEN_CODER_MODEL, type SimKind } from './types';

const USAGE = `Usage: npm run sim -- [--kind ollama|llamacpp|openai] [--port N] [--reply TEXT] [--time-scale X]
                     [--load-ms N] [--prefill N] [--decode N] [--slots N] [--api-key KEY]
A TEST DOUBLE of an LLM server (no model runs): answers are scripted; timing follows a model of a GPU running Phi-4.`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const kind = (arg('kind') ?? 'ollama') as SimKind;
  if (!['ollama', 'llamacpp', 'openai'].includes(kind)) throw new Error(`--kind must be ollama, llamacpp or openai\n${USAGE}`);
  const defaultPort = { ollama: 11434, llamacpp: 8080, openai: 8000 }[kind];
  const num = (name: string) => (arg(name) !== undefined ? Number(arg(name)) : undefined);
  const models = kind === 'llamacpp' ? [PHI4_MODEL] : [PHI4_MODEL, QWEN_CODER_MODEL];
  const sim = await startSimulator({
    kind,
    port: num('port') ?? defaultPort,
    models,
    registry: [PHI4_MODEL, PHI4_MINI_MODEL, QWEN_CODER_MODEL],
    reply: arg('reply'),
    apiKey: arg('api-key'),
    timing: { timeScale: num('time-scale') ?? 1, loadMs: num('load-ms') ?? 1500, prefillTokPerSec: num('prefill'), decodeTokPerSec: num('decode'), slots: num('slots') },
  });
  const setting = { ollama: 'ollama', llamacpp: 'llamacpp', openai: 'openai' }[kind];
  console.log(`Simulated ${kind} server (TEST DOUBLE, scripted answers) listening on ${sim.url}`);
  console.log(`Models: ${models.map((m) => m.name).join(', ')}`);
  console.log(`Point the extension at it (user settings.json):\n  "phiCoder.backend": "${setting}",\n  "phiCoder.endpoint": "${sim.url}"`);
  console.log(`Script answers: curl -s ${sim.url}/__sim/reply -d '{"text":"..."}'   Stats: curl -s ${sim.url}/__sim/stats`);
  console.log('Ctrl+C to stop.');
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  if ((e as { code?: string })?.code === 'EADDRINUSE') console.error(`Port ${arg('port') ?? 'default'} is already in use (a real server or another simulator?). Pick another with --port.`);
  else console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
