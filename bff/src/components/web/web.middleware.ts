import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';
import send from 'koa-send';

const API_PREFIXES = ['/api/', '/dev/', '/healthz', '/readyz'];

/** A build file whose name carries its content hash (`app.31adf33e.js`, `app.31adf33e0a2ad8f7.css`): its content never changes. */
const HASHED = /\.[0-9a-f]{8,}\.[A-Za-z0-9]+(\.LICENSE\.txt)?(\.br|\.gz)?$/;

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Stored, but checked with the server (Last-Modified) before every use: index.html and unhashed files. */
export const CACHE_REVALIDATE = 'no-cache';

/**
 * Serves the H5 build. Unknown paths that are not API paths fall back to index.html so the app's own
 * router can handle deep links; hashed assets are cached for a year, index.html and anything without a
 * hash in its name are revalidated on every use (a new build must reach phones at once).
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
    // Files without a copy are compressed on the fly when compressible (see libraries/responses.ts).
    ctx.vary('Accept-Encoding');
    await send(ctx, target, {
      root,
      brotli: true,
      gzip: true,
      setHeaders: (res, p) => {
        res.setHeader('Cache-Control', HASHED.test(path.basename(p)) ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
      },
    });
  };
}

/**
 * What the H5 build's index.html runs inline, as CSP hash sources: the `<script>` bodies (Taro's root
 * font-size script) for `script-src`. Read once at start, so a rebuilt app needs a restart (as it would
 * anyway for its new asset names). None when there is no build.
 */
export function inlineScriptHashes(staticDir: string): string[] {
  const index = path.join(path.resolve(staticDir), 'index.html');
  if (!fs.existsSync(index)) return [];
  const html = fs.readFileSync(index, 'utf8');
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc\s*=/i.test(m[1] ?? '') || !m[2]) continue;
    hashes.add(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}
