/**
 * TEST DOUBLE: HTTP plumbing shared by the simulated protocols (loopback only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange, SimEngine } from './engine';
import type { SimOptions } from './types';

export interface Ctx {
  engine: SimEngine;
  opts: SimOptions;
  ex: Exchange;
  req: IncomingMessage;
  method: string;
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The body was present but was not JSON. */
  badJson: boolean;
}

/** A protocol: returns false when it does not know the path. */
export type ProtocolHandler = (c: Ctx) => Promise<boolean>;

export function sendJson(res: ServerResponse, status: number, obj: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export function makeExchange(res: ServerResponse): Exchange {
  let resolve!: () => void;
  const ex: Exchange = { res, closed: false, whenClosed: new Promise<void>((r) => (resolve = r)) };
  res.once('close', () => {
    ex.closed = true;
    resolve();
  });
  return ex;
}

/** Begin a streamed answer. */
export function beginStream(res: ServerResponse, contentType: string): void {
  if (res.headersSent) return;
  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.flushHeaders();
}

/** Write when the client is still there. */
export function write(ex: Exchange, text: string): void {
  if (!ex.closed && !ex.res.writableEnded) ex.res.write(text);
}

/** Parse an Ollama keep_alive: a JSON number = seconds, a string = Go duration ("30m", "1h30m", "0"); negative = forever. Milliseconds; NaN when invalid. */
export function parseKeepAlive(v: unknown, fallbackMs = 5 * 60_000): number {
  if (v === undefined || v === null) return fallbackMs;
  // A JSON string goes through Go's time.ParseDuration, which rejects "" (api.Duration's UnmarshalJSON).
  if (v === '') return NaN;
  if (typeof v === 'number') return v < 0 ? Infinity : v * 1000;
  const s = String(v).trim();
  // Go's time.ParseDuration: a bare number other than 0 has no unit and is rejected.
  if (s === '0') return 0;
  if (/^-?\d+(\.\d+)?$/.test(s)) return NaN;
  if (s.startsWith('-')) return Number.isNaN(parseKeepAlive(s.slice(1))) ? NaN : Infinity;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]];
    matched += m[0];
  }
  if (matched !== s) return NaN;
  return total;
}

/** Bearer check for servers started with an API key. */
export function authorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  if (!apiKey) return true;
  return req.headers.authorization === `Bearer ${apiKey}`;
}
