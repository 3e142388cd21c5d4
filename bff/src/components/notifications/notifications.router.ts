import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Connection } from 'mongoose';
import { maskPhone, type PhoneConfirmationInput } from '@birth/shared';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import type { FieldCrypto } from '../../libraries/crypto';
import { AppError, notFound } from '../../libraries/errors';
import type { ApplicationsRepository } from '../applications/applications.repository';
import { guardianPhone } from './notifications.notifier';
import type { PhoneConfirmations } from './phone-confirmations';
import type { DevInboxDoc } from '../../providers/dev';
import { createNotificationsService, type NotificationsService } from './notifications.service';

export type NotificationsRouterDeps = { connection: Connection; signer: TokenSigner; service?: NotificationsService };

const serviceOf = (deps: { connection: Connection; service?: NotificationsService }) =>
  deps.service ?? createNotificationsService({ connection: deps.connection });

/** GET /api/v1/notifications: the parent's notices, newest first. */
export function notificationsRouter(deps: NotificationsRouterDeps): Router {
  const service = serviceOf(deps);
  const router = apiRouter('/api/v1/notifications');
  router.use(requireRole(deps.signer, 'parent'));
  route(router, OPERATIONS.listNotifications, async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.listForOwner((ctx.state.principal as Principal).sub);
  });
  return router;
}

/** GET /api/v1/admin/outbox?state=dead|pending: deliveries that gave up, or are still waiting. */
export function outboxAdminRouter(deps: NotificationsRouterDeps): Router {
  const service = serviceOf(deps);
  const router = apiRouter('/api/v1/admin/outbox');
  router.use(requireRole(deps.signer, 'operator'));
  route(router, OPERATIONS.listOutbox, async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.listOutbox(typeof ctx.query.state === 'string' ? ctx.query.state : undefined);
  });
  return router;
}

/**
 * `POST /api/v1/applications/:id/phone-confirmations`: sends a 6-digit code to the phone that notices of this
 * application go to (under the SMS caps); `POST …/phone-confirmations/confirm` checks it. Until then that
 * phone gets no SMS: notices go by push and to the in-app inbox only.
 */
export function phoneConfirmationsRouter(deps: {
  signer: TokenSigner;
  crypto: FieldCrypto;
  applications: Pick<ApplicationsRepository, 'findOwned'>;
  phones: PhoneConfirmations;
  parentLimit: Middleware;
}): Router {
  const router = apiRouter('/api/v1/applications/:id/phone-confirmations');
  router.use(requireRole(deps.signer, 'parent'), deps.parentLimit);

  async function phoneOf(ctx: Context): Promise<{ ownerId: string; phone: string }> {
    const ownerId = (ctx.state.principal as Principal).sub;
    const application = await deps.applications.findOwned(ctx.params.id, ownerId);
    if (!application) throw notFound('该申请');
    const phone = guardianPhone(application, deps.crypto);
    if (!phone) throw new AppError('UNPROCESSABLE', '申请中没有填写手机号码，请先填写后再验证');
    return { ownerId, phone };
  }

  route(router, OPERATIONS.getPhoneConfirmation, async (ctx: Context) => {
    const { ownerId, phone } = await phoneOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { sentTo: maskPhone(phone), confirmed: await deps.phones.isConfirmed(ownerId, phone) };
  });

  route(router, OPERATIONS.requestPhoneConfirmation, async (ctx: Context) => {
    const { ownerId, phone } = await phoneOf(ctx);
    const result = await deps.phones.request(ownerId, ctx.params.id, phone);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = result.confirmed ? 200 : 201;
    ctx.body = result;
  });

  route(router, OPERATIONS.confirmPhone, async (ctx: Context) => {
    const input = (ctx.request as unknown as { body: PhoneConfirmationInput }).body;
    const { ownerId, phone } = await phoneOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await deps.phones.confirm(ownerId, phone, input.code);
  });
  return router;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const CHANNEL_LABELS: Record<string, string> = { push: '订阅消息推送', sms: '短信' };

/** `2025-03-01 10:00:05` in China time, whatever the server's time zone. */
function chinaTime(date: Date): string {
  return new Date(new Date(date).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function renderDevInbox(messages: DevInboxDoc[]): string {
  const rows = messages
    .map(
      (m) => `<tr>
  <td data-label="时间">${escapeHtml(chinaTime(m.createdAt))}</td>
  <td data-label="渠道">${escapeHtml(CHANNEL_LABELS[m.channel] ?? m.channel)}</td>
  <td data-label="收件人">${escapeHtml(m.recipient)}</td>
  <td data-label="模板"><code>${escapeHtml(m.template)}</code></td>
  <td data-label="内容">${escapeHtml(m.text)}</td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>开发收件箱 · 出生“一件事”</title>
<style>
body { font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #1f2329; font-size: 16px; }
h1 { font-size: 22px; margin: 0 0 8px; }
p { color: #4e5969; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e5e6eb; padding: 8px 10px; text-align: left; vertical-align: top; }
th { background: #f2f3f5; font-weight: 600; white-space: nowrap; }
td:nth-child(1), td:nth-child(2), td:nth-child(3) { white-space: nowrap; }
code { font-size: 13px; color: #4e5969; }
.empty { padding: 24px 0; color: #86909c; }
/* Phone width: each message becomes a card, each cell a labelled line. */
@media (max-width: 640px) {
  body { margin: 12px; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: auto; }
  tr { border: 1px solid #e5e6eb; border-radius: 8px; margin-bottom: 12px; padding: 6px 0; }
  td { border: none; padding: 4px 12px; white-space: normal !important; word-break: break-word; }
  td::before { content: attr(data-label) "："; color: #4e5969; font-weight: 600; }
}
</style>
</head>
<body>
<h1>开发收件箱</h1>
<p>开发环境不会真的发送消息：这里列出订阅消息推送和短信本应发出的内容，最新的在最上面。收件人已脱敏。</p>
${
  messages.length
    ? `<table>
<thead><tr><th>时间（北京时间）</th><th>渠道</th><th>收件人</th><th>模板</th><th>内容</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<div class="empty">还没有消息。提交一份申请后再来看看。</div>'
}
</body>
</html>
`;
}

/** GET /dev/inbox: development only; mount it only when NODE_ENV !== 'production'. */
export function devInboxRouter(deps: { connection: Connection; service?: NotificationsService }): Router {
  const service = serviceOf(deps);
  const router = apiRouter();
  route(router, OPERATIONS.devInbox, async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    // The page is all text: no script, no outside resources.
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderDevInbox(await service.devInbox());
  });
  return router;
}
