// A tiny HTTP server on 127.0.0.1 (random port) that the provider fakes are built on. It records every
// request, can be told to never answer (for timeout tests), and closes even with requests hanging.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names, as node gives them. */
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  body: string | object;
  headers?: Record<string, string>;
}

export type FakeHandler = (req: RecordedRequest) => Reply | Promise<Reply>;

/** What every provider fake gives a test. */
export interface ProviderFake<TCode> {
  /** Base URL, e.g. http://127.0.0.1:53211 — pass it as the adapter's baseUrl / endpoint. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The next business request is answered with this provider error code (queued, one per call). */
  setNextError(code: TCode): void;
  /** While on, requests are accepted and never answered. */
  setNeverAnswer(on: boolean): void;
  close(): Promise<void>;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  setNeverAnswer(on: boolean): void;
  close(): Promise<void>;
}

export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  let neverAnswer = false;
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      if (neverAnswer) {
        hanging.add(res);
        return;
      }
      Promise.resolve()
        .then(() => handler(recorded))
        .then(
          (reply) => send(res, reply),
          (err: unknown) => send(res, { status: 500, body: { fakeError: String(err) } }),
        );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setNeverAnswer(on) {
      neverAnswer = on;
    },
    close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function send(res: ServerResponse, reply: Reply) {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(text);
}

/** A random id of hex digits, for request ids, message ids, tokens. */
export function fakeId(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** Header value as a single string ('' when missing). */
export function header(req: RecordedRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}
