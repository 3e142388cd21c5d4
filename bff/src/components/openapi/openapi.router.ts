import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type Router from '@koa/router';
import { route } from '../../libraries/operation';
import { apiRouter } from '../../libraries/router';
import { buildOpenApi } from './openapi';
import { OPERATIONS } from './operations';

/** GET /api/v1/openapi.json: the document, built once from the registry. */
export function openApiRouter(): Router {
  const router = apiRouter();
  let doc: unknown;
  route(router, OPERATIONS.openApi, (ctx) => {
    doc ??= buildOpenApi();
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = doc;
  });
  return router;
}

// The page loads the viewer and its start-up script as same-origin files: no CDN, no inline script.
const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>出生“一件事” BFF 接口文档</title>
</head>
<body>
<div id="redoc"></div>
<script src="/api/v1/docs/redoc.js"></script>
<script src="/api/v1/docs/init.js"></script>
</body>
</html>
`;

const INIT = `Redoc.init('/api/v1/openapi.json', { hideDownloadButton: false, expandResponses: '200,201,202' }, document.getElementById('redoc'));
`;

/**
 * Redoc's standalone bundle from its npm package (a development dependency: only read when the page is asked
 * for). Its sidebar footer shows Redocly's logo from their CDN: served here as an empty inline image instead, so
 * the page loads nothing from outside (the CSP would block it anyway, as a violation).
 */
async function viewerBundle(): Promise<Buffer> {
  const bundle = await readFile(
    path.join(path.dirname(require.resolve('redoc/package.json')), 'bundles', 'redoc.standalone.js'),
    'utf8',
  );
  return Buffer.from(
    bundle.replace(
      'https://cdn.redoc.ly/redoc/logo-mini.svg',
      "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
    ),
  );
}

// Redoc sets inline styles (styled-components) and runs its search in a blob: worker; scripts are same-origin files only.
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET /api/v1/docs: a readable page of the document for integrators; development only (not mounted in production). */
export function docsRouter(): Router {
  const router = apiRouter();
  let bundle: Promise<Buffer> | undefined;
  route(router, OPERATIONS.docsPage, (ctx) => {
    ctx.set('Content-Security-Policy', PAGE_CSP);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  route(router, OPERATIONS.docsViewer, async (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await (bundle ??= viewerBundle());
  });
  route(router, OPERATIONS.docsInit, (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = INIT;
  });
  return router;
}
