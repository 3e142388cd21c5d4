import { apiRouter } from '../../libraries/router';
import type Router from '@koa/router';
import { z, type ZodType } from 'zod';
import {
  ApplicationDraftInput,
  ApplicationInput,
  ClientCredentialsInput,
  DepartmentEvent,
  Guide,
  ITEM_STATES,
  LoginInput,
  RefreshInput,
  ResubmitItemInput,
  TokenResponse,
} from '@birth/shared';

const json = (s: ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
const body = (ref: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const ok = (description: string, ref?: string) => ({
  description,
  ...(ref ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } } : {}),
});
const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'problem+json',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
const bearer = (role: string) => ({ security: [{ bearer: [] }], 'x-role': role });
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

/** The OpenAPI 3.0 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi() {
  return {
    openapi: '3.0.3',
    info: {
      title: '出生"一件事" BFF',
      version: '1.0.0',
      description:
        'One application for five newborn items across four departments. Errors are application/problem+json (RFC 9457) with a stable `code` and, for validation, every failing field in `errors`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        LoginInput: json(LoginInput),
        RefreshInput: json(RefreshInput),
        ClientCredentialsInput: json(ClientCredentialsInput),
        TokenResponse: json(TokenResponse),
        Guide: json(Guide),
        ApplicationInput: json(ApplicationInput),
        ApplicationDraftInput: json(ApplicationDraftInput),
        ResubmitItemInput: json(ResubmitItemInput),
        DepartmentEvent: json(DepartmentEvent),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string', example: 'VALIDATION_FAILED' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
    paths: {
      '/healthz': { get: { summary: 'The process runs', responses: { 200: ok('ok') } } },
      '/readyz': { get: { summary: 'The database answers', responses: { 200: ok('ready'), ...problems(503) } } },
      '/api/v1/guide': {
        get: {
          summary: 'Simple guide (standard appendix C), hospitals, pickup points, items',
          responses: { 200: ok('guide', 'Guide') },
        },
      },
      '/api/v1/auth/login': {
        post: {
          summary: 'Parent login (wechat | alipay | zheliban | dev)',
          requestBody: body('LoginInput'),
          responses: { 200: ok('tokens', 'TokenResponse'), ...problems(400, 401, 403, 503) },
        },
      },
      '/api/v1/auth/refresh': {
        post: {
          summary: 'Rotate the refresh token (single use; reuse revokes the family)',
          requestBody: body('RefreshInput'),
          responses: { 200: ok('tokens', 'TokenResponse'), ...problems(400, 401) },
        },
      },
      '/api/v1/applications': {
        post: {
          ...bearer('parent'),
          summary: 'Create a draft',
          requestBody: body('ApplicationDraftInput'),
          responses: { 201: ok('draft; ETag header'), ...problems(400, 401, 403) },
        },
        get: { ...bearer('parent'), summary: "The caller's applications", responses: { 200: ok('list'), ...problems(401, 403) } },
      },
      '/api/v1/applications/{id}': {
        parameters: [idParam('id')],
        get: {
          ...bearer('parent'),
          summary: 'One application, personal data masked',
          responses: { 200: ok('application; ETag header'), ...problems(401, 403, 404) },
        },
        patch: {
          ...bearer('parent'),
          summary: 'Update a draft (deep merge; null removes a field). Requires If-Match.',
          parameters: [{ name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } }],
          requestBody: body('ApplicationDraftInput'),
          responses: { 200: ok('draft'), ...problems(400, 401, 404, 409, 428) },
        },
        delete: {
          ...bearer('parent'),
          summary: 'Withdraw a draft, or an application before any item is accepted',
          responses: { 204: ok('withdrawn'), ...problems(401, 404, 409) },
        },
      },
      '/api/v1/applications/{id}/submit': {
        parameters: [
          idParam('id'),
          { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 8, maxLength: 128 } },
        ],
        post: {
          ...bearer('parent'),
          summary: 'Submit; dispatches the items that need nothing else',
          responses: { 202: ok('application with items'), ...problems(400, 401, 404, 409, 422) },
        },
      },
      '/api/v1/applications/{id}/progress': {
        parameters: [idParam('id')],
        get: {
          ...bearer('parent'),
          summary: 'Per-item state, timeline, deadlines and predicted completion in working days',
          responses: { 200: ok('progress'), ...problems(401, 404) },
        },
      },
      '/api/v1/applications/{id}/items/{itemKey}/resubmit': {
        parameters: [idParam('id'), idParam('itemKey')],
        post: {
          ...bearer('parent'),
          summary: 'Correct and resubmit one rejected item',
          requestBody: body('ResubmitItemInput'),
          responses: { 200: ok('application'), ...problems(400, 401, 404, 409) },
        },
      },
      '/api/v1/notifications': {
        get: {
          ...bearer('parent'),
          summary: "The caller's notices (progress, rejections, pickup), newest first",
          responses: { 200: ok('notifications'), ...problems(401, 403) },
        },
      },
      '/api/v1/admin/outbox': {
        get: {
          ...bearer('operator'),
          summary: 'Deliveries by state (dead = gave up after retries); no personal data',
          parameters: [{ name: 'state', in: 'query', required: false, schema: { type: 'string', enum: ['dead', 'pending'] } }],
          responses: { 200: ok('outbox entries'), ...problems(400, 401, 403) },
        },
      },
      '/api/v1/dept/auth/token': {
        post: {
          summary: 'Department service account (client credentials) → token',
          requestBody: body('ClientCredentialsInput'),
          responses: { 200: ok('token', 'TokenResponse'), ...problems(400, 401) },
        },
      },
      '/api/v1/dept/tasks': {
        get: {
          ...bearer('department'),
          summary:
            "This department's work queue (default: every item it still has work on), oldest first, only the fields each item needs, identifiers masked; page with nextCursor. Items not yet dispatched are never shown.",
          parameters: [
            {
              name: 'status',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ITEM_STATES.filter((s) => s !== 'waiting') },
            },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: { 200: ok('tasks'), ...problems(400, 401, 403) },
        },
      },
      '/api/v1/dept/tasks/{taskId}': {
        parameters: [idParam('taskId')],
        get: {
          ...bearer('department'),
          summary: 'One task with identifiers in clear (audited)',
          responses: { 200: ok('task'), ...problems(401, 403, 404) },
        },
      },
      '/api/v1/dept/tasks/{taskId}/events': {
        parameters: [idParam('taskId')],
        post: {
          ...bearer('department'),
          summary:
            'accept | reject (all reasons at once) | complete (outputs) | ship | ready_for_pickup | deliver; idempotent by eventId',
          requestBody: body('DepartmentEvent'),
          responses: { 200: ok('task after the event'), ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      '/api/v1/admin/auth/token': {
        post: {
          summary: 'Operator service account → token',
          requestBody: body('ClientCredentialsInput'),
          responses: { 200: ok('token', 'TokenResponse'), ...problems(400, 401) },
        },
      },
      '/api/v1/admin/sla': {
        get: {
          ...bearer('operator'),
          summary: 'Items overdue or due within `withinHours` (default 8), by department',
          parameters: [{ name: 'withinHours', in: 'query', required: false, schema: { type: 'number' } }],
          responses: { 200: ok('sla'), ...problems(400, 401, 403) },
        },
      },
    },
  };
}

export function openApiRouter(): Router {
  const router = apiRouter();
  let doc: unknown;
  router.get('/api/v1/openapi.json', (ctx) => {
    doc ??= buildOpenApi();
    ctx.body = doc;
  });
  return router;
}
