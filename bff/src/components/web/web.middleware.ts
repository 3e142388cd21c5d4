import fs from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';
import send from 'koa-send';

const API_PREFIXES = ['/api/', '/dev/', '/healthz', '/readyz'];

/**
 * Serves the H5 build. Unknown paths that are not API paths fall back to index.html so the app's own
 * router can handle deep links; hashed assets are cached long, index.html never.
 */
export function webApp(staticDir: string): Middleware {
  const root = path.resolve(staticDir);
  const hasBuild = fs.existsSync(path.join(root, 'index.html'));
  return async (ctx, next) => {
    if (!hasBuild || (ctx.method !== 'GET' && ctx.method !== 'HEAD') || API_PREFIXES.some((p) => ctx.path.startsWith(p))) {
      return next();
    }
    const file = ctx.path === '/' ? 'index.html' : ctx.path.slice(1);
    const exists = fs.existsSync(path.join(root, file)) && !file.split('/').some((seg) => seg.startsWith('.'));
    const target = exists ? file : 'index.html';
    if (!exists && path.extname(ctx.path)) return next(); // a missing asset is a 404, not the page
    // The build ships .br/.gz copies (scripts/compress-h5.mjs); koa-send picks the one the browser accepts.
    ctx.vary('Accept-Encoding');
    await send(ctx, target, {
      root,
      brotli: true,
      gzip: true,
      setHeaders: (res, p) => {
        res.setHeader('Cache-Control', /index\.html(\.br|\.gz)?$/.test(p) ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    });
  };
}
