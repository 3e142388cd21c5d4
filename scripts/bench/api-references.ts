// The references of `npm run bench:api`: a hello-world on bare node:http and on bare Koa, answering the same
// small JSON as /healthz. Each runs in a process of its own (like the BFF), so each gets a core.
// Usage: node --import tsx scripts/bench/api-references.ts node|koa <port>
import http from 'node:http';
import Koa from 'koa';

const [kind, port] = process.argv.slice(2);
const BODY = JSON.stringify({ status: 'ok' });

let server: http.Server;
if (kind === 'node') {
  server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(BODY));
    res.end(BODY);
  });
} else if (kind === 'koa') {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { status: 'ok' };
  });
  server = http.createServer(app.callback());
} else {
  throw new Error(`unknown reference ${kind}: node or koa`);
}
server.keepAliveTimeout = 65_000; // as the BFF's start.ts
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
