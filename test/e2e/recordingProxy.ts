/**
 * A transparent HTTP pass-through that records what a real server answered: the extension talks to the proxy, the
 * proxy to the server, bytes unchanged in both directions (streams stay streams; a client that goes away closes
 * the upstream request too). Used by the real llama-server e2e test to compare what reached the editor and the chat
 * with what the server itself sent. Not a test double: every answer is the real server's.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  requestBody: string;
  status: number;
  /** The response body as the server sent it (SSE text for streams), decoded once it ended or was cut off. */
  responseBody: string;
  /** True once the server finished its answer. */
  complete: boolean;
  /** True once the exchange is over, however it ended: finished, cut off by the client (a cancelled request) or failed. */
  settled: boolean;
}

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const ex: Exchange = { method: req.method ?? 'GET', path: req.url ?? '/', requestBody: requestBody.toString('utf8'), status: 0, responseBody: '', complete: false, settled: false };
      exchanges.push(ex);
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (ur) => {
        ex.status = ur.statusCode ?? 0;
        res.writeHead(ex.status, ur.headers);
        const body: Buffer[] = [];
        const decode = () => (ex.responseBody = Buffer.concat(body).toString('utf8'));
        ur.on('data', (c: Buffer) => {
          body.push(c);
          res.write(c);
        });
        ur.on('end', () => {
          decode();
          ex.complete = true;
          res.end();
        });
        ur.on('close', () => {
          decode();
          ex.settled = true;
        });
      });
      up.on('error', () => {
        ex.settled = true;
        res.destroy();
      });
      res.on('close', () => {
        ex.settled = true;
        up.destroy();
      });
      up.end(requestBody);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The `data:` events of an SSE body, parsed (non-JSON lines such as `[DONE]` left out). */
export function sseEvents(body: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    try {
      out.push(JSON.parse(line.slice(6)));
    } catch {
      /* [DONE] */
    }
  }
  return out;
}
