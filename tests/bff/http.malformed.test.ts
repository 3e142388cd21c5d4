// What Node's HTTP parser refuses before Koa sees it — a method it does not know, a broken request line,
// headers over the limit, an Expect it cannot meet — is still answered in the API's problem format.
import net from 'node:net';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Sends raw bytes and reads until the server closes the connection. */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), headers: head!, body: rest.join('\r\n\r\n') });
    });
  });
}

test.each([
  ['a method Node does not know', 'FOO /api/v1/guide HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
  ['a lower-case method', 'get /api/v1/guide HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
  ['a broken header line', 'GET /api/v1/guide HTTP/1.1\r\nHost x\r\n\r\n', 400, 'BAD_REQUEST'],
  [
    'headers over the limit',
    `GET /api/v1/guide HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    431,
    'HEADERS_TOO_LARGE',
  ],
  [
    'an Expect other than 100-continue',
    'GET /api/v1/guide HTTP/1.1\r\nHost: x\r\nExpect: 42-magic\r\nConnection: close\r\n\r\n',
    417,
    'EXPECTATION_FAILED',
  ],
])(
  'when a request has %s, then it is answered %i in the problem format with a Chinese detail',
  async (_what, request, status, code) => {
    const res = await raw(request);
    expect(res.status).toBe(status);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code });
    expect(String(body.detail)).toMatch(/[\u4e00-\u9fff]/);
  },
);
