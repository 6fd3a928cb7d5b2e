/** The child process of TypeScriptOracleProcess (typescriptChild.ts): one TypeScriptOracle, queried over IPC. */
import { TypeScriptOracle } from './typescript';
import type { TypeScriptChildInit, TypeScriptChildQuery, TypeScriptChildReply } from './typescriptChild';

let oracle: TypeScriptOracle | undefined;
const reply = (m: TypeScriptChildReply) => process.send?.(m);

process.on('message', (m: TypeScriptChildInit | TypeScriptChildQuery) => {
  if (m.kind === 'init') {
    try {
      oracle = new TypeScriptOracle(m.repo, new Set(m.indexed));
      reply({ kind: 'ready' });
    } catch (err) {
      reply({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (!oracle) return reply({ kind: 'verdict', id: m.id, verdict: { reject: 'error', detail: 'not initialised' } });
  oracle.resolve({ ...m.q, text: '', ctags: [] }).then(
    (verdict) => reply({ kind: 'verdict', id: m.id, verdict }),
    (err) => reply({ kind: 'verdict', id: m.id, verdict: { reject: 'error', detail: String(err) } }),
  );
});
// The parent closes the channel when it is done (or dies): nothing else keeps this process.
process.on('disconnect', () => {
  void oracle?.close();
  process.exit(0);
});
