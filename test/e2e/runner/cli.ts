/** Entry of the TypeScript runner, started by scripts/e2e.js (which holds the lock and did set-up and build). */
import * as path from 'node:path';
import { main } from './main';

const tools = JSON.parse(process.env.PHI_E2E_TOOLS ?? '{}') as { node: string; codeServerEntry: string; chromium: string };
main(process.argv.slice(2), path.resolve(__dirname, '..', '..', '..'), tools).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[e2e] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
