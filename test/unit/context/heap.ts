/**
 * For tests that check what stays alive: the heap in use right after a full garbage collection. Exposes gc() at run
 * time (node's test runner does not pass --expose-gc).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export function heapAfterGc(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
