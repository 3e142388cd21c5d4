// Limits on every route, over real HTTP on loopback: bodies over the limit are 413 with a Chinese message
// before anything reads them, and a request that runs too long is answered 503 in the error format, whole,
// while the route's late work neither changes that answer nor is lost.
import http from 'node:http';
import { loginParent, validApplication } from '../support/fixtures';
import { api, startTestServer, uniqueDbName, type TestServer } from '../support/test-server';

type Raw = { status: number; headers: http.IncomingHttpHeaders; text: string };

/** Sends the headers (and `body`, if any) and reads the answer; a declared body need not follow. */
function send(
  base: string,
  method: string,
  p: string,
  headers: Record<string, string | number>,
  body?: Buffer | string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        req.destroy();
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.flushHeaders();
  });
}

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await loginParent(server.url);
});
afterAll(() => server.close());

describe('body limits', () => {
  test('when a JSON body declares more than 64 KB, then 413 in Chinese before it is read', async () => {
    for (const [method, p] of [
      ['POST', '/api/v1/auth/login'],
      ['POST', '/api/v1/applications'],
      ['PATCH', '/api/v1/applications/x'],
      ['GET', '/api/v1/guide'], // a read with a body: limited too
    ]) {
      const r = await send(server.url, method, p, {
        'content-type': 'application/json',
        'content-length': 65 * 1024,
        authorization: `Bearer ${token}`,
      });
      expect([method, p, r.status]).toEqual([method, p, 413]);
      expect(r.headers['content-type']).toContain('application/problem+json');
      const problem = JSON.parse(r.text);
      expect(problem).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(problem.detail).toBe('提交的内容过大（不能超过 64 KB），请精简后重试');
      expect(r.headers.connection).toBe('close');
    }
  });

  test('when a JSON body over 64 KB arrives without a length (chunked), then the parser stops at the limit with 413', async () => {
    const big = JSON.stringify({ platform: 'dev', code: 'x'.repeat(70 * 1024) });
    const r = await send(
      server.url,
      'POST',
      '/api/v1/auth/login',
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      big,
    );
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', detail: '提交的内容过大，请精简后重试' });
  });

  test('when a body just under the limit is sent, then it is read as usual', async () => {
    const body = JSON.stringify({ platform: 'dev', code: 'y'.repeat(60 * 1024) });
    const r = await send(server.url, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, body);
    // Read and judged on its content (the code is too long for a login code), not refused for its size.
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).code).toBe('VALIDATION_FAILED');
  });

  test('when a photo upload declares more than its own limit, then 413; up to it, the upload route reads it', async () => {
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
    const p = `/api/v1/applications/${draft.body.id}/attachments`;
    const headers = { 'content-type': 'multipart/form-data; boundary=x', authorization: `Bearer ${token}` };
    const over = await send(server.url, 'POST', p, { ...headers, 'content-length': 11 * 1024 * 1024 });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).detail).toBe('提交的内容过大（不能超过 10 MB），请精简后重试');
    // 1 MB is far over the JSON limit but within the upload's: it reaches multer, which finds no photo in it.
    const body = Buffer.concat([
      Buffer.alloc(1024 * 1024, 'a'), // a preamble, which multipart parsers skip
      Buffer.from('\r\n--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmother_id_front\r\n--x--\r\n'),
    ]);
    const within = await send(server.url, 'POST', p, { ...headers, 'content-length': body.length }, body);
    expect(within.status).toBe(400);
    expect(JSON.parse(within.text).code).toBe('VALIDATION_FAILED');
  });
});

describe('request timeouts', () => {
  test('when a request runs past REQUEST_TIMEOUT_MS, then it is answered 503 whole and the late work is kept', async () => {
    // One database, two servers: the set-up runs on one with the default timeout; the other times out
    // after 1 s and holds every application write after its claim until the test lets it go.
    const db = uniqueDbName('timeout');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    let armed = false;
    const shared = { MONGODB_DB: db, JWT_SECRET: `timeout-test-${'s'.repeat(32)}` }; // one login for both
    const setup = await startTestServer(shared);
    const slow = await startTestServer(
      { ...shared, REQUEST_TIMEOUT_MS: '1000' },
      {
        writerHooks: {
          afterClaim: async () => {
            if (!armed) return;
            held();
            await gate;
          },
        },
      },
    );
    try {
      const parent = await loginParent(setup.url, 'timeout-parent');
      const draftBody = validApplication();
      const draft = await api(setup.url, 'POST', '/api/v1/applications', { token: parent, body: draftBody });
      expect(draft.status).toBe(201);
      armed = true;
      const patched = send(
        slow.url,
        'PATCH',
        `/api/v1/applications/${draft.body.id}`,
        { 'content-type': 'application/json', authorization: `Bearer ${parent}`, 'if-match': draft.headers.get('etag')! },
        JSON.stringify({
          ...draftBody,
          newborn: { ...draftBody.newborn, birthDateTime: new Date(Date.now() - 7 * 3600_000).toISOString() },
        }),
      );
      // The write is under way and held (an answer before that would be a failure of the set-up).
      await Promise.race([
        holding,
        patched.then((early) => {
          throw new Error(`answered before the write was held: ${early.status} ${early.text}`);
        }),
      ]);
      const r = await patched;
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(r.headers['retry-after']).toBe('5');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers.etag).toBeUndefined();
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'"); // what every API answer carries
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.text));
      expect(JSON.parse(r.text)).toMatchObject({
        status: 503,
        code: 'REQUEST_TIMEOUT',
        title: '处理超时',
        detail: '系统处理超时，请稍后重试，您填写的内容不会丢失',
      });
      const timedOutLines = () => slow.logs.filter((l) => l.includes('request timed out')).length;
      expect(timedOutLines()).toBe(1);

      // The route goes on when let go; its late answer is dropped, its write kept.
      release();
      while (!slow.logs.some((l) => l.includes('finished after its timeout'))) await new Promise((r2) => setImmediate(r2));
      const after = await api(setup.url, 'GET', `/api/v1/applications/${draft.body.id}`, { token: parent });
      expect(after.headers.get('etag')).not.toBe(draft.headers.get('etag'));
      // The server still answers on time.
      armed = false;
      expect((await api(slow.url, 'GET', '/healthz')).status).toBe(200);
      const requestLine = slow.logs.find((l) => l.includes('"msg":"request"') && l.includes('"status":503'));
      expect(requestLine).toContain('"route":"/api/v1/applications/:id"');
    } finally {
      release();
      await slow.close();
      await setup.close();
    }
  });
});
