// What every answer carries, over real HTTP on loopback: helmet's security headers with the CSP the H5 app
// runs under, CORS for configured origins only, gzip/brotli negotiated, and caching by kind of answer.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadConfig } from '../../config';
import { loginParent, validApplication } from '../support/fixtures';
import { api, startTestServer, testDatabaseUri, type TestServer } from '../support/test-server';

const INLINE_SCRIPT = 'document.documentElement.style.fontSize = "20px";';
const INDEX = `<!doctype html><html><head><script>${INLINE_SCRIPT}</script><script defer src="/js/app.0123abcd.js"></script></head><body><div id="app" style="color: red">…</div></body></html>`;
const JS = `/* app */\n${'console.log("出生一件事 bundle");\n'.repeat(100)}`;

/** A small H5 build: index.html with an inline script, hashed scripts (one with .br/.gz copies), images. */
function makeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-h5-'));
  fs.mkdirSync(path.join(dir, 'js'));
  fs.mkdirSync(path.join(dir, 'img'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'js', 'app.0123abcd.js'), JS);
  fs.writeFileSync(path.join(dir, 'js', 'app.0123abcd.js.br'), zlib.brotliCompressSync(Buffer.from(JS)));
  fs.writeFileSync(path.join(dir, 'js', 'app.0123abcd.js.gz'), zlib.gzipSync(Buffer.from(JS)));
  fs.writeFileSync(path.join(dir, 'js', 'vendor.89abcdef.js'), JS.replace('app', 'vendor'));
  // PNG signature then noise: an already compressed type.
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4096, 7)]);
  fs.writeFileSync(path.join(dir, 'img', 'badge.5f3c2a1b.png'), png);
  fs.writeFileSync(path.join(dir, 'img', 'share.png'), png);
  return dir;
}

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** node:http, so the body arrives as sent (fetch would undo the compression). */
function raw(base: string, method: string, p: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (r: Raw) =>
  r.headers['content-encoding'] === 'br'
    ? zlib.brotliDecompressSync(r.body)
    : r.headers['content-encoding'] === 'gzip'
      ? zlib.gunzipSync(r.body)
      : r.body;

let build: string;
let server: TestServer;

beforeAll(async () => {
  build = makeBuild();
  server = await startTestServer({ STATIC_DIR: build, CORS_ORIGINS: 'https://app.zjzwfw.gov.cn,https://*.example.cn' });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(build, { recursive: true, force: true });
});

describe('security headers', () => {
  test('when a page or file is sent, then it carries the app’s CSP, HSTS and the other helmet headers', async () => {
    const hash = `'sha256-${createHash('sha256').update(INLINE_SCRIPT).digest('base64')}'`;
    for (const [p, status] of [
      ['/', 200],
      ['/some/deep/link', 200],
      ['/js/app.0123abcd.js', 200],
    ] as const) {
      const r = await raw(server.url, 'GET', p);
      expect([p, r.status]).toEqual([p, status]);
      const csp = String(r.headers['content-security-policy']);
      const directives = Object.fromEntries(
        csp.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values];
        }),
      );
      expect(directives['default-src']).toEqual(["'self'"]);
      // Scripts: our origin and index.html's inline script by its hash; no eval, no inline handlers.
      expect(directives['script-src']).toEqual(["'self'", hash]);
      expect(directives['script-src-attr']).toEqual(["'none'"]);
      expect(csp).not.toContain('unsafe-eval');
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(directives['base-uri']).toEqual(["'self'"]);
      // 浙里办 (and 浙江政务服务网) may show the app in a frame; nobody else.
      expect(directives['frame-ancestors']).toEqual(["'self'", 'https://*.zjzwfw.gov.cn']);
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
      // X-Frame-Options cannot name 浙里办; frame-ancestors decides.
      expect(r.headers['x-frame-options']).toBeUndefined();
      expect(r.headers['x-powered-by']).toBeUndefined();
      expect(r.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
    }
  });

  test('when the answer is data (the API’s JSON, and every problem+json error wherever its path), then it carries a CSP that loads and frames nothing, HSTS, nosniff, CORP and no referrer', async () => {
    for (const [p, status] of [
      ['/healthz', 200],
      ['/api/v1/guide', 200],
      ['/api/v1/applications', 401],
      ['/api/v1/nope', 401], // deny by default: unknown API paths need a token too
      ['/nope.js', 404], // a missing file: a problem+json answer, not a page
      ['/healthz/none', 404],
    ] as const) {
      const r = await raw(server.url, 'GET', p);
      expect([p, r.status]).toEqual([p, status]);
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
      // The document-only headers act on pages alone.
      expect(r.headers['cross-origin-opener-policy']).toBeUndefined();
      expect(r.headers['x-xss-protection']).toBeUndefined();
      expect(r.headers['x-powered-by']).toBeUndefined();
      expect(r.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
    }
  });

  test('when FRAME_ANCESTORS and HSTS_MAX_AGE_SECONDS are set, then the headers follow them', async () => {
    const other = await startTestServer({ STATIC_DIR: build, FRAME_ANCESTORS: 'none', HSTS_MAX_AGE_SECONDS: '0' });
    try {
      const r = await raw(other.url, 'GET', '/');
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'self';");
      expect(r.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await other.close();
    }
    const custom = await startTestServer({
      STATIC_DIR: build,
      FRAME_ANCESTORS: 'https://portal.zjzwfw.gov.cn,https://*.zj.gov.cn',
    });
    try {
      const r = await raw(custom.url, 'GET', '/');
      expect(r.headers['content-security-policy']).toContain(
        "frame-ancestors 'self' https://portal.zjzwfw.gov.cn https://*.zj.gov.cn",
      );
    } finally {
      await custom.close();
    }
  });

  test('when an origin list holds a bare * or a path, then start-up is refused naming the key', () => {
    const base = { NODE_ENV: 'test', MONGODB_URI: testDatabaseUri() };
    expect(() => loadConfig({ ...base, CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS: must be comma-separated origins/);
    expect(() => loadConfig({ ...base, CORS_ORIGINS: 'https://a.cn/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ ...base, FRAME_ANCESTORS: "https://a.cn 'unsafe-inline'" })).toThrow(/FRAME_ANCESTORS/);
    expect(loadConfig(base).CORS_ORIGINS).toBe('');
  });
});

describe('CORS', () => {
  test('when a configured origin calls the API, then it is allowed by name (never *), without credentials', async () => {
    for (const origin of ['https://app.zjzwfw.gov.cn', 'https://h5.example.cn', 'https://a.b.example.cn']) {
      const r = await raw(server.url, 'GET', '/api/v1/guide', { origin });
      expect([origin, r.headers['access-control-allow-origin']]).toEqual([origin, origin]);
      expect(r.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(r.headers['access-control-expose-headers'])).toContain('X-Request-Id');
      expect(String(r.headers.vary)).toContain('Origin');
    }
  });

  test('when another origin calls, then no CORS header lets its page read the answer', async () => {
    for (const origin of [
      'https://evil.example.com',
      'https://example.cn', // the wildcard covers subdomains only
      'http://app.zjzwfw.gov.cn', // another scheme
      'https://app.zjzwfw.gov.cn:8443', // another port
      'https://app.zjzwfw.gov.cn.evil.com',
      'null',
    ]) {
      const r = await raw(server.url, 'GET', '/api/v1/guide', { origin });
      expect([origin, r.headers['access-control-allow-origin']]).toEqual([origin, undefined]);
    }
  });

  test('when a configured origin sends a preflight, then it gets the methods and headers; another origin gets none', async () => {
    const preflight = (origin: string) =>
      raw(server.url, 'OPTIONS', '/api/v1/applications', {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      });
    const ok = await preflight('https://app.zjzwfw.gov.cn');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.zjzwfw.gov.cn');
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/Authorization.*Idempotency-Key/);
    const denied = await preflight('https://evil.example.com');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    expect(denied.headers['access-control-allow-methods']).toBeUndefined();
  });

  test('when no origin is configured (the default), then no origin is allowed', async () => {
    const plain = await startTestServer();
    try {
      const r = await raw(plain.url, 'GET', '/api/v1/guide', { origin: 'https://app.zjzwfw.gov.cn' });
      expect(r.status).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe('compression', () => {
  test('when a client accepts br or gzip, then JSON answers of 1 KB and more come compressed and decompress to the same JSON', async () => {
    // The guide (compressed once at start) and the OpenAPI document (compressed per answer by koa-compress).
    for (const p of ['/api/v1/guide', '/api/v1/openapi.json']) {
      const plain = await raw(server.url, 'GET', p);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(1024);
      const json = JSON.parse(plain.body.toString('utf8'));
      for (const [accept, expected] of [
        ['br', 'br'],
        ['gzip', 'gzip'],
        ['gzip, deflate, br', 'br'],
        ['gzip, br;q=0', 'gzip'],
        ['identity', undefined],
      ] as const) {
        const r = await raw(server.url, 'GET', p, { 'accept-encoding': accept });
        expect([p, accept, r.headers['content-encoding']]).toEqual([p, accept, expected]);
        expect(String(r.headers.vary)).toMatch(/Accept-Encoding/i);
        if (expected) expect(r.body.length).toBeLessThan(plain.body.length);
        expect(JSON.parse(decode(r).toString('utf8'))).toEqual(json);
      }
    }
  });

  test('when an answer is under 1 KB, then it is sent as it is', async () => {
    const r = await raw(server.url, 'GET', '/healthz', { 'accept-encoding': 'gzip, br' });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(r.body.toString('utf8'))).toEqual({ status: 'ok' });
  });

  test('when H5 files are fetched, then scripts come compressed (ready copies or on the fly) and images never', async () => {
    for (const p of ['/js/app.0123abcd.js', '/js/vendor.89abcdef.js']) {
      for (const accept of ['br', 'gzip']) {
        const r = await raw(server.url, 'GET', p, { 'accept-encoding': accept });
        expect([p, r.headers['content-encoding']]).toEqual([p, accept]);
        expect(decode(r).toString('utf8')).toBe(p.includes('vendor') ? JS.replace('app', 'vendor') : JS);
      }
    }
    for (const p of ['/img/badge.5f3c2a1b.png', '/img/share.png']) {
      const r = await raw(server.url, 'GET', p, { 'accept-encoding': 'gzip, br' });
      expect([p, r.status, r.headers['content-encoding']]).toEqual([p, 200, undefined]);
      expect(r.body.length).toBe(4096 + 8);
    }
  });
});

describe('caching', () => {
  test('when H5 files are fetched, then hashed ones are cached for a year and the rest revalidated', async () => {
    const cacheOf = async (p: string) => (await raw(server.url, 'GET', p, { 'accept-encoding': 'br' })).headers['cache-control'];
    expect(await cacheOf('/')).toBe('no-cache');
    expect(await cacheOf('/index.html')).toBe('no-cache');
    expect(await cacheOf('/some/deep/link')).toBe('no-cache'); // the app shell
    expect(await cacheOf('/js/app.0123abcd.js')).toBe('public, max-age=31536000, immutable');
    expect(await cacheOf('/js/vendor.89abcdef.js')).toBe('public, max-age=31536000, immutable');
    expect(await cacheOf('/img/badge.5f3c2a1b.png')).toBe('public, max-age=31536000, immutable');
    expect(await cacheOf('/img/share.png')).toBe('no-cache');
    expect(await cacheOf('/js/missing.0123abcd.js')).toBe('no-store'); // a 404 is never cached
  });

  test('when the API answers, then nothing with personal data is stored: no-store, errors included; the public guide may be cached', async () => {
    const token = await loginParent(server.url);
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
    expect(draft.status).toBe(201);
    expect(draft.headers.get('cache-control')).toBe('no-store');
    const read = await api(server.url, 'GET', `/api/v1/applications/${draft.body.id}`, { token });
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect((await api(server.url, 'GET', '/api/v1/applications')).headers.get('cache-control')).toBe('no-store'); // 401
    expect((await api(server.url, 'GET', '/healthz')).headers.get('cache-control')).toBe('no-store');
    expect((await api(server.url, 'GET', '/api/v1/guide')).headers.get('cache-control')).toBe('public, max-age=300');
  });
});
