/**
 * The engine's end of its link to the host (engineLink.ts): the parent port of a worker thread, or the IPC channel of
 * an engine process, whose first message is its EngineInit. An engine process whose host goes away (the channel
 * closes: the host quit or was killed) exits.
 */
import { parentPort, workerData } from 'worker_threads';
import type { EngineWorkerData, HostMessage, WorkerMessage } from './engineProtocol';
import type { EngineInit } from './engineLink';

export interface EnginePort {
  post(m: WorkerMessage): void;
  onMessage(f: (m: HostMessage) => void): void;
}

/** Call `serve` with the port and the start data, once they are known. */
export function connectEngine(serve: (port: EnginePort, data: EngineWorkerData) => void): void {
  const thread = parentPort;
  if (thread) {
    serve({ post: (m) => thread.postMessage(m), onMessage: (f) => thread.on('message', f) }, workerData as EngineWorkerData);
    return;
  }
  if (!process.send) throw new Error('the context engine must run as a worker thread or a child process with an IPC channel');
  process.on('disconnect', () => process.exit(0));
  const port: EnginePort = {
    post: (m) => {
      if (process.connected) process.send!(m);
    },
    // Messages are emitted one per tick, in order: a listener added while the init is handled gets the next one.
    onMessage: (f) => process.on('message', (m) => f(m as HostMessage)),
  };
  process.once('message', (m) => serve(port, (m as EngineInit).data));
}
