import { apiRouter } from '../../libraries/router';
import type Router from '@koa/router';
import {
  APPEAL_REASONS,
  APPEAL_REASON_LABELS,
  AppealDecisionInput,
  RATING_CASE_EVENT_TYPES,
  RATING_CASE_STATUSES,
  RATING_CASE_STATUS_LABELS,
  RATING_LEVELS,
  RATING_LEVEL_LABELS,
  RATING_STAGES,
  RATING_TAGS,
  RatingCaseEvent,
  RatingInput,
  ApplicationDraftInput,
  ApplicationInput,
  ClientCredentialsInput,
  DepartmentEvent,
  Guide,
  ITEM_STATES,
  LoginInput,
  PhoneConfirmationInput,
  RefreshInput,
  SubscriptionInput,
  ResubmitItemInput,
  TokenResponse,
} from '@birth/shared';
import { attachmentsOpenApi } from '../attachments/attachments.openapi';
import { bearer, body, idParam, json, ok, problems } from './openapi.helpers';

/** The OpenAPI 3.0 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi() {
  const attachments = attachmentsOpenApi();
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
        SubscriptionInput: {
          ...json(SubscriptionInput),
          description:
            "The results of one WeChat requestSubscribeMessage / Alipay subscription prompt. `code` is a fresh wx.login / my.getAuthCode code: the BFF exchanges it for the platform user id and checks it is the caller's own. Each `accept` is one credit, spent by one push of that template.",
        },
        PhoneConfirmationInput: json(PhoneConfirmationInput),
        DepartmentEvent: json(DepartmentEvent),
        ...attachments.schemas,
        RatingInput: {
          ...json(RatingInput),
          description:
            'A stage rating (`stage`: accepted | completed; one per application per stage) or the one 追评 (`stage`: follow_up, `of`: the stage). Tags must belong to the level (see RatingLevel). `comment` is plain text, ≤ 500 characters, returned as given and never rendered as HTML.',
        },
        RatingLevel: {
          type: 'string',
          enum: [...RATING_LEVELS],
          description: `${RATING_LEVELS.map((l) => `${l} = ${RATING_LEVEL_LABELS[l]}`).join('; ')}. 好评: the first three; 差评 (opens a case): the last two.`,
          'x-tags-by-level': Object.fromEntries(RATING_LEVELS.map((l) => [l, RATING_TAGS[l]])),
        },
        RatingStage: {
          type: 'string',
          enum: [...RATING_STAGES],
          description: 'accepted = 受理 (first item accepted); completed = 办结 (every item finished)',
        },
        RatingCaseStatus: {
          type: 'string',
          enum: [...RATING_CASE_STATUSES],
          description: RATING_CASE_STATUSES.map((s) => `${s} = ${RATING_CASE_STATUS_LABELS[s]}`).join('; '),
        },
        RatingCaseEvent: {
          ...json(RatingCaseEvent),
          description: `Department events on a bad-rating case, in order call_back → rectify → feedback (feedback notifies the parent); appeal (reasons: ${APPEAL_REASONS.map((r) => `${r} = ${APPEAL_REASON_LABELS[r]}`).join('; ')}) once, before feedback. Types: ${RATING_CASE_EVENT_TYPES.join(', ')}. Idempotent by eventId.`,
        },
        AppealDecisionInput: json(AppealDecisionInput),
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
      ...attachments.paths,
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
      '/api/v1/applications/{id}/ratings': {
        parameters: [idParam('id')],
        post: {
          ...bearer('parent'),
          summary:
            'Rate a stage (accepted | completed) or add the one 追评 (stage follow_up). 409: stage not reached, already rated, or 追评 before feedback / a second time. Optional Idempotency-Key.',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } },
          ],
          requestBody: body('RatingInput'),
          responses: { 201: ok('the rating and the application’s ratings view'), ...problems(400, 401, 403, 404, 409, 415, 422) },
        },
        get: {
          ...bearer('parent'),
          summary: 'Per stage: reached, the rating, the handling of a bad rating (call-back, feedback), the 追评, canFollowUp',
          responses: { 200: ok('ratings'), ...problems(401, 403, 404) },
        },
      },
      '/api/v1/notifications': {
        get: {
          ...bearer('parent'),
          summary: "The caller's notices (progress, rejections, pickup), newest first",
          responses: { 200: ok('notifications'), ...problems(401, 403) },
        },
      },
      '/api/v1/subscriptions': {
        post: {
          ...bearer('parent'),
          summary:
            "Record a subscribe-message prompt (accept / reject / ban per template id from PUSH_TEMPLATE_IDS). 201: credits added and the unspent credits per template. 403: the code is another user's.",
          requestBody: body('SubscriptionInput'),
          responses: { 201: ok('accepted count and subscriptions'), ...problems(400, 401, 403, 415, 503) },
        },
        get: {
          ...bearer('parent'),
          summary: 'Unspent subscribe-message credits per platform and template (prompt again when 0)',
          responses: { 200: ok('subscriptions'), ...problems(401, 403) },
        },
      },
      '/api/v1/applications/{id}/phone-confirmations': {
        parameters: [idParam('id')],
        post: {
          ...bearer('parent'),
          summary:
            "Send a 6-digit code by SMS to the phone this application's notices go to (masked in the answer; under the per-phone SMS caps, 429 with Retry-After beyond them). 200 when already confirmed. Until confirmed, that phone gets no notice SMS.",
          responses: {
            201: ok('sentTo (masked) and expiresAt'),
            200: ok('already confirmed'),
            ...problems(401, 403, 404, 422, 429, 503),
          },
        },
      },
      '/api/v1/applications/{id}/phone-confirmations/confirm': {
        parameters: [idParam('id')],
        post: {
          ...bearer('parent'),
          summary: 'Check the code (10 minutes, 5 attempts per code). 400 with what to do when wrong or expired.',
          requestBody: body('PhoneConfirmationInput'),
          responses: { 200: ok('confirmed'), ...problems(400, 401, 403, 404, 415, 422) },
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
      '/api/v1/dept/ratings': {
        get: {
          ...bearer('department'),
          summary: "Ratings of this department's items, newest first; never the rater's identity nor the application",
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            {
              name: 'before',
              in: 'query',
              required: false,
              schema: { type: 'string', format: 'date-time' },
              description: 'nextBefore of the previous page',
            },
          ],
          responses: { 200: ok('ratings'), ...problems(400, 401, 403) },
        },
      },
      '/api/v1/dept/ratings/cases': {
        get: {
          ...bearer('department'),
          summary:
            "This department's bad-rating cases (default: awaiting_callback and rectifying) with deadlines, overdue flags and allowedEvents",
          parameters: [
            { name: 'status', in: 'query', required: false, schema: { $ref: '#/components/schemas/RatingCaseStatus' } },
          ],
          responses: { 200: ok('cases'), ...problems(400, 401, 403) },
        },
      },
      '/api/v1/dept/ratings/cases/{caseId}': {
        parameters: [idParam('caseId')],
        get: {
          ...bearer('department'),
          summary: 'One case of this department',
          responses: { 200: ok('case'), ...problems(401, 403, 404) },
        },
      },
      '/api/v1/dept/ratings/cases/{caseId}/contact': {
        parameters: [idParam('caseId')],
        get: {
          ...bearer('department'),
          summary: "The call-back phone, to the case's department only, while the case is open; every read is audited",
          responses: { 200: ok('callbackPhone'), ...problems(401, 403, 404, 409) },
        },
      },
      '/api/v1/dept/ratings/cases/{caseId}/events': {
        parameters: [idParam('caseId')],
        post: {
          ...bearer('department'),
          summary:
            'call_back | rectify | feedback (parent notified) | appeal; idempotent by eventId; out of order is 409 with allowedEvents',
          requestBody: body('RatingCaseEvent'),
          responses: { 200: ok('case after the event'), ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      '/api/v1/admin/ratings/cases': {
        get: {
          ...bearer('operator'),
          summary: 'Bad-rating cases with deadlines (call-back 1 day, feedback 15 days; RATING_* config), overdue flagged',
          parameters: [
            { name: 'status', in: 'query', required: false, schema: { $ref: '#/components/schemas/RatingCaseStatus' } },
            {
              name: 'department',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['hospital', 'police', 'medical_insurance', 'social_security'] },
            },
            { name: 'overdue', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
          ],
          responses: { 200: ok('cases'), ...problems(400, 401, 403) },
        },
      },
      '/api/v1/admin/ratings/cases/{caseId}/appeal-decision': {
        parameters: [idParam('caseId')],
        post: {
          ...bearer('operator'),
          summary:
            'Uphold (the rating leaves that department’s statistics; the parent is told) or reject a pending appeal; repeating the same decision is a replay, another is 409',
          requestBody: body('AppealDecisionInput'),
          responses: { 200: ok('case'), ...problems(400, 401, 403, 404, 409) },
        },
      },
      '/api/v1/admin/ratings/stats': {
        get: {
          ...bearer('operator'),
          summary:
            'Per department and per item for [from, to) (default the last 30 days): count, levels, 好评率, 差评率, share of invited applications rated, cases opened and overdue',
          parameters: [
            {
              name: 'from',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: 'YYYY-MM-DD (China time) or ISO 8601',
            },
            {
              name: 'to',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: 'YYYY-MM-DD (China time) or ISO 8601',
            },
          ],
          responses: { 200: ok('statistics'), ...problems(400, 401, 403) },
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
