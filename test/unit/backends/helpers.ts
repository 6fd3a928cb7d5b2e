// Shared helpers for the backend tests (run against the simulator test double in test/sim).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamEvent, Usage } from '../../../src/core/backends/types';

export interface Collected {
  text: string;
  pieces: string[];
  usage?: Usage;
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<Collected> {
  const pieces: string[] = [];
  let usage: Usage | undefined;
  for await (const ev of events) {
    if (ev.type === 'text') pieces.push(ev.text);
    else usage = ev.usage;
  }
  return { text: pieces.join(''), pieces, usage };
}

/** A loopback port with nothing listening (bound, then closed). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Wait until `cond` holds (polling), or fail after `ms`. */
export async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A raw HTTP server for framings the simulator does not produce. */
export async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export const SAMPLING = { maxTokens: 64, temperature: 0.2 };
