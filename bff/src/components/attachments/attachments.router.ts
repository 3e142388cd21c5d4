import { createHash } from 'node:crypto';
import multer from 'multer';
import type Router from '@koa/router';
import { apiRouter } from '../../libraries/router';
import { route } from '../../libraries/operation';
import { OPERATIONS } from '../openapi/operations';
import type { Context, Middleware } from 'koa';
import { ATTACHMENT_LIMITS, AttachmentKindInput, type ParentRole } from '@birth/shared';
import { requireRole, type Principal, type TokenSigner } from '../../libraries/auth';
import { AppError } from '../../libraries/errors';
import { parseInput } from '../../libraries/http';
import { idempotencyKeyFrom, type IdempotencyStore } from '../../libraries/idempotency';
import type { AttachmentsService } from './attachments.service';

const principal = (ctx: Context) => ctx.state.principal as Principal;

/** Multipart field names of an upload. */
export const UPLOAD_FIELDS = { file: 'file', kind: 'kind' } as const;

/** True for a photo upload (POST …/attachments): it has its own body limit and timeout (see server.ts). */
export const isUploadRequest = (ctx: Context) =>
  ctx.method === 'POST' && /^\/api\/v1\/applications\/[^/]+\/attachments\/?$/.test(ctx.path);

/** The largest upload body: the photo plus its two form fields, part headers and boundaries. */
export const UPLOAD_BODY_LIMIT_BYTES = ATTACHMENT_LIMITS.maxBytes + 64 * 1024;

// multer (2) sets no limits by default: every one is set here, and its errors become 413/400 below.
const upload = multer({
  storage: multer.memoryStorage(),
  limits: {
    fileSize: ATTACHMENT_LIMITS.maxBytes,
    files: 1,
    fields: 2,
    parts: 4,
    fieldNameSize: 32,
    fieldSize: 256,
    headerPairs: 20,
  },
});

const MULTER_ERRORS: Record<string, AppError> = {
  LIMIT_FILE_SIZE: new AppError(
    'PAYLOAD_TOO_LARGE',
    `照片不能超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB，请用手机相机直接拍摄后上传（不要上传原始 RAW 文件）。`,
  ),
  LIMIT_FIELD_VALUE: new AppError('PAYLOAD_TOO_LARGE', '表单字段内容过长，只需提交照片文件 file 和照片类型 kind。'),
  LIMIT_FILE_COUNT: new AppError('BAD_REQUEST', '一次只能上传一张照片，请逐张上传。'),
  LIMIT_UNEXPECTED_FILE: new AppError('BAD_REQUEST', '一次只能上传一张照片，照片文件的字段名应为 file。'),
  LIMIT_PART_COUNT: new AppError('BAD_REQUEST', '表单内容过多，只需提交照片文件 file 和照片类型 kind。'),
  LIMIT_FIELD_COUNT: new AppError('BAD_REQUEST', '表单内容过多，只需提交照片文件 file 和照片类型 kind。'),
  LIMIT_FIELD_KEY: new AppError('BAD_REQUEST', '表单字段名过长，只需提交照片文件 file 和照片类型 kind。'),
};

const single = upload.single('file');

/** Parses the multipart body into memory within the limits; a broken or over-limit body is 4xx. */
const parseUpload: Middleware = async (ctx, next) => {
  if (!ctx.is('multipart/form-data'))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 格式上传照片（字段 file 为照片，kind 为照片类型）。');
  try {
    await new Promise<void>((resolve, reject) =>
      single(ctx.req as never, ctx.res as never, (err?: unknown) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    // Stop reading what the client still sends, so an oversized body does not keep the socket busy.
    ctx.req.unpipe();
    ctx.set('Connection', 'close');
    throw MULTER_ERRORS[code] ?? new AppError('BAD_REQUEST', '上传内容无法解析，请重新选择照片后上传。');
  }
  await next();
};

export function attachmentsRouter(
  service: AttachmentsService,
  signer: TokenSigner,
  idempotency: IdempotencyStore,
  parentLimit: Middleware,
): Router {
  const router = apiRouter('/api/v1/applications/:id');
  router.use(requireRole(signer, 'parent'), parentLimit);

  route(router, OPERATIONS.uploadAttachment, parseUpload, async (ctx) => {
    const req = ctx.req as unknown as { file?: { buffer: Buffer }; body?: Record<string, unknown> };
    const file = req.file;
    const fields = req.body ?? {};
    const kind = parseInput(AttachmentKindInput, fields[UPLOAD_FIELDS.kind], UPLOAD_FIELDS.kind);
    if (!file)
      throw new AppError('VALIDATION_FAILED', '请选择要上传的照片', {
        errors: [{ path: 'file', message: '请选择要上传的照片（字段名 file）。' }],
      });
    const id = ctx.params.id;
    const owner = principal(ctx).sub;
    const run = async () => ({ status: 201, body: await service.upload(owner, id, kind, file.buffer) });
    const header = ctx.get('idempotency-key');
    // A retry over a flaky ward Wi-Fi with the same key and the same file gets the first answer, and one stored photo.
    const result = header
      ? await idempotency.run(
          `parent:${owner}`,
          idempotencyKeyFrom(header),
          { op: 'attachment', id, kind, sha256: createHash('sha256').update(file.buffer).digest('hex') },
          run,
        )
      : { ...(await run()), replayed: false };
    ctx.status = result.status;
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.set('Location', `/api/v1/applications/${id}/attachments/${(result.body as { id: string }).id}`);
    ctx.body = result.body;
  });

  route(router, OPERATIONS.listAttachments, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await service.list(principal(ctx).sub, ctx.params.id);
  });

  route(router, OPERATIONS.getAttachment, async (ctx) => {
    const size = ctx.query.size;
    const { bytes } = await service.read(principal(ctx), ctx.params.id, ctx.params.attachmentId, size === 'full');
    sendImage(ctx, bytes);
  });

  route(router, OPERATIONS.deleteAttachment, async (ctx) => {
    await service.remove(principal(ctx).sub, ctx.params.id, ctx.params.attachmentId);
    ctx.status = 204;
  });

  route(router, OPERATIONS.useLicence, async (ctx) => {
    const role = ctx.params.role as ParentRole;
    ctx.body = await service.useLicence(principal(ctx).sub, ctx.params.id, role);
  });

  route(router, OPERATIONS.dropLicence, async (ctx) => {
    const role = ctx.params.role as ParentRole;
    await service.dropLicence(principal(ctx).sub, ctx.params.id, role);
    ctx.status = 204;
  });

  return router;
}

/** Departments: a photo the task's item needs, full size, never a public URL; every read audited. */
export function taskAttachmentsRouter(service: AttachmentsService, signer: TokenSigner): Router {
  const router = apiRouter('/api/v1/dept/tasks');
  router.use(requireRole(signer, 'department'));
  route(router, OPERATIONS.getTaskAttachment, async (ctx) => {
    const { bytes } = await service.readForTask(principal(ctx), ctx.params.taskId, ctx.params.attachmentId);
    sendImage(ctx, bytes);
  });
  return router;
}

function sendImage(ctx: Context, bytes: Buffer) {
  ctx.set('Cache-Control', 'no-store, private');
  ctx.set('Content-Disposition', 'inline');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.type = 'image/jpeg';
  ctx.body = bytes;
}
