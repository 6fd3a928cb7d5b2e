/**
 * How an engine process is started (engineLink.ts): its V8 flags from the engine's heap limits, and an environment that
 * runs Electron's binary as node and carries none of the host's NODE_OPTIONS (a debugger's --inspect would collide).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineEnv, engineExecArgv } from '../../../src/core/context/engineLink';

test("an engine process's flags: Liftoff only, and the worker's heap limits as V8 flags", () => {
  assert.deepEqual(engineExecArgv({ maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 12 }), ['--liftoff-only', '--max-old-space-size=1024', '--max-semi-space-size=4']);
  assert.deepEqual(engineExecArgv({ maxOldGenerationSizeMb: 512 }), ['--liftoff-only', '--max-old-space-size=512']);
  assert.deepEqual(engineExecArgv({ maxYoungGenerationSizeMb: 1 }), ['--liftoff-only', '--max-semi-space-size=1']);
});

test("an engine process's environment: node mode for Electron, two malloc arenas, the host's NODE_OPTIONS left out", () => {
  const env = engineEnv({ PATH: '/usr/bin', NODE_OPTIONS: '--inspect=9229', HOME: '/home/u' });
  assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
  assert.equal(env.MALLOC_ARENA_MAX, '2');
  assert.equal(env.NODE_OPTIONS, undefined);
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.HOME, '/home/u');
});
