import zlib from 'node:zlib';
import type { Context, Middleware } from 'koa';
import compress from 'koa-compress';

/** Smaller answers are sent as they are: compressing them costs more than it saves. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

type Encoding = 'br' | 'gzip' | 'identity';
type Encoded = Record<Encoding, Buffer>;

const staticBodies = new WeakMap<object, Encoded>();

/**
 * Marks a JSON body that never changes while the process runs (the guide): it is serialised and
 * compressed once, at its best ratio, and each answer picks the ready copy the client accepts instead of
 * compressing it again. Returns the body, which must not be changed afterwards (it is frozen).
 */
export function staticJson<T extends object>(body: T): T {
  const identity = Buffer.from(JSON.stringify(body));
  staticBodies.set(body, {
    identity,
    br: zlib.brotliCompressSync(identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: zlib.gzipSync(identity, { level: 9 }),
  });
  return Object.freeze(body);
}

const chosen = new Map<string, Encoding>();

/** br when the client takes it, else gzip, else none (q=0 refuses); remembered per header value. */
function encodingFor(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const known = chosen.get(header);
  if (known) return known;
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    const qp = params.find((p) => p.startsWith('q='));
    q.set(name, qp ? Number(qp.slice(2)) || 0 : 1);
  }
  const takes = (e: string) => (q.get(e) ?? q.get('*') ?? 0) > 0;
  const encoding: Encoding = takes('br') ? 'br' : takes('gzip') ? 'gzip' : 'identity';
  if (chosen.size < 256) chosen.set(header, encoding);
  return encoding;
}

/** Plain objects and arrays, which Koa would serialise as JSON when it answers. */
function isJsonValue(body: unknown): body is object {
  return (
    typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && typeof (body as { pipe?: unknown }).pipe !== 'function'
  );
}

/**
 * The answer's last touches, once the routes and the error handler are done: nothing is stored by a
 * browser or proxy unless the answer says so (every answer without Cache-Control, and every error, is
 * `no-store`: API answers carry personal data; the guide and the H5 build's files set their own); a
 * static body gets its ready copy; any other JSON body is serialised here once (koa-compress would do it
 * twice). Returns false when the answer is final as it is: too small to compress whatever the client
 * accepts (so it does not vary by Accept-Encoding either), or a static body already encoded.
 */
function prepare(ctx: Context): boolean {
  const res = ctx.res;
  if (res.headersSent) return false;
  if (res.statusCode >= 400 || !res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'no-store');
  const body = ctx.body;
  if (!isJsonValue(body)) return ctx.compress !== false;
  const ready = staticBodies.get(body);
  if (!ready) {
    const json = JSON.stringify(body);
    ctx.body = json; // the Content-Type stays the JSON one already set
    return json.length >= COMPRESS_THRESHOLD_BYTES / 3 && ctx.compress !== false; // < 1 KB even in 3-byte UTF-8
  }
  const encoding = ctx.method === 'HEAD' ? 'identity' : encodingFor(ctx.get('Accept-Encoding'));
  ctx.body = ready[encoding];
  if (encoding !== 'identity') ctx.set('Content-Encoding', encoding);
  ctx.vary('Accept-Encoding');
  return false;
}

const done = () => Promise.resolve();

/**
 * gzip or brotli for JSON and other compressible answers of 1 KB and more, for the clients that accept
 * them (koa-compress; brotli at quality 4, fast enough per request). Images and other already compressed
 * types are left alone, and so are the H5 build's files that ship their own .br/.gz copies (koa-send
 * sets their Content-Encoding). koa-compress only sees the answers `prepare` leaves open: run around
 * every request it cost ~1 µs of a small answer's ~15 (its Vary header and checks), for nothing.
 */
export function compression(): Middleware {
  const onTheFly = compress({
    threshold: COMPRESS_THRESHOLD_BYTES,
    br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    gzip: {},
    deflate: false,
    zstd: false,
  } as compress.CompressOptions);
  return async (ctx, next) => {
    await next();
    if (prepare(ctx)) await onTheFly(ctx, done);
  };
}
