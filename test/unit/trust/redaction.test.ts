// Issue 14, finding 6 (inline keys): redacted from index snippets (and so from the persisted index), from packed
// context built from open documents and recent edits, and from every prompt sent to an endpoint off this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExclusionRules } from '../../../src/core/context/exclude';
import { nodeWorkspaceFs } from '../../../src/core/context/workspaceFs';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { TreeSitterContextEngine } from '../../../src/core/context/engine';
import { RecentActivity } from '../../../src/core/context/activity';
import { countTokens } from '../../../src/core/tokens';
import { isLoopbackEndpoint, redactForRemote } from '../../../src/core/trust/remotePrompts';
import { REDACTED } from '../../../src/core/trust/secrets';
import type { Backend, StreamEvent } from '../../../src/core/backends/types';

const GH = 'ghp_' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa98';
const AWS = 'AKIA' + 'ABCDEFGHIJKLMNOP';

test('index snippets, the persisted index and packed context never hold inline keys', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'redact-'));
  fs.writeFileSync(path.join(root, 'client.ts'), `export function makeClient(): Client {\n  return new Client({ token: "${GH}" });\n}\nexport class Client {\n  constructor(readonly o: { token: string }) {}\n}\n`);
  const index = new WorkspaceIndex(nodeWorkspaceFs(root), new ExclusionRules(), { workers: 0 });
  await index.build();
  assert.ok(index.lookup('makeClient').length > 0);
  assert.ok(!index.serialize().includes(GH), 'the persisted index holds no key');

  const activity = new RecentActivity();
  const other = `export const awsKey = "${AWS}";\nexport function useClient() {\n  return makeClient();\n}\n`;
  activity.noteDocument({ relPath: 'other.ts', languageId: 'typescript', version: 1, text: other });
  activity.noteEdit('other.ts', 'typescript', other, 0, 0);
  const engine = new TreeSitterContextEngine({ index, activity });
  const text = 'import { makeClient } from "./client";\nexport function run() {\n  const c = makeClient();\n  return useClient();\n}\n';
  const packed = await engine.assemble({ doc: { path: path.join(root, 'app.ts'), relPath: 'app.ts', languageId: 'typescript', text, version: 1, offset: text.indexOf('return') }, budgetTokens: 2000, purpose: 'chat' });
  engine.dispose();
  assert.ok(packed.text.includes('makeClient'), packed.text);
  assert.ok(packed.text.includes(REDACTED), 'something was redacted (the key was a candidate)');
  for (const key of [GH, AWS]) assert.ok(!packed.text.includes(key) && !packed.items.some((i) => i.text.includes(key)), key);
  assert.equal(packed.tokens, countTokens(packed.text), 'token counts stay exact');
  fs.rmSync(root, { recursive: true, force: true });
});

function recorder(endpoint: string): { backend: Backend; sent: unknown[] } {
  const sent: unknown[] = [];
  async function* none(): AsyncGenerator<StreamEvent> {}
  const backend: Backend = {
    kind: 'openai',
    endpoint,
    health: async () => ({ state: 'ready', detail: '' }),
    listModels: async () => [],
    modelInfo: async (name) => ({ name, contextLength: 16384, fim: false, family: '' }),
    complete: (req) => (sent.push(req), none()),
    infill: (req) => (sent.push(req), none()),
    chat: (req) => (sent.push(req), none()),
  };
  return { backend, sent };
}

test('prompts to a remote endpoint are redacted; loopback endpoints get them as they are', async () => {
  assert.equal(isLoopbackEndpoint('http://127.0.0.1:11434'), true);
  assert.equal(isLoopbackEndpoint('http://localhost:8080'), true);
  assert.equal(isLoopbackEndpoint('http://[::1]:8000'), true);
  assert.equal(isLoopbackEndpoint('http://gpu-box:8000'), false);
  assert.equal(isLoopbackEndpoint('https://127.0.0.1.example.com'), false);
  const sampling = { maxTokens: 10, temperature: 0 };
  const remote = recorder('https://gpu.example.com/v1');
  const r = redactForRemote(remote.backend);
  for await (const _ of r.chat({ model: 'm', sampling, messages: [{ role: 'user', content: `key ${GH}` }] })) void _;
  for await (const _ of r.complete({ model: 'm', sampling, prompt: `k = "${AWS}"` })) void _;
  for await (const _ of r.infill({ model: 'm', sampling, prefix: GH, suffix: AWS, extra: [{ filename: 'a.ts', text: GH }] })) void _;
  const remoteText = JSON.stringify(remote.sent);
  assert.equal(remote.sent.length, 3);
  assert.ok(!remoteText.includes(GH) && !remoteText.includes(AWS), remoteText);
  const local = recorder('http://127.0.0.1:11434');
  assert.equal(redactForRemote(local.backend), local.backend);
});
