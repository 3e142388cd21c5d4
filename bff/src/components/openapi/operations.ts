import { z } from 'zod';
import {
  APPEAL_REASONS,
  APPEAL_REASON_LABELS,
  AppealDecisionInput,
  ApplicationDraftInput,
  ApplicationList,
  ApplicationView,
  ATTACHMENT_LIMITS,
  AttachmentKindInput,
  AttachmentList,
  AttachmentView,
  ClientCredentialsInput,
  DEPARTMENT_CODES,
  DepartmentEvent,
  DepartmentRatingCaseList,
  DepartmentRatingList,
  GuideResponse,
  Health,
  IdentityFillInput,
  ITEM_STATES,
  LicenceView,
  LoginInput,
  NoticeList,
  OperatorRatingCaseList,
  OutboxList,
  ParentRoleInput,
  PhoneConfirmationInput,
  PhoneConfirmationView,
  Progress,
  RATING_CASE_EVENT_TYPES,
  RATING_CASE_STATUSES,
  RATING_LEVELS,
  RATING_LEVEL_LABELS,
  RATING_TAGS,
  RatingCaseContact,
  RatingCaseEvent,
  RatingCaseView,
  RatingCreated,
  RatingInput,
  RatingStats,
  RatingsView,
  Readiness,
  RefreshInput,
  ResubmitItemInput,
  SlaReport,
  SubscriptionInput,
  SubscriptionRecorded,
  SubscriptionsView,
  TaskList,
  TaskView,
  TokenResponse,
} from '@birth/shared';
import { defineOperation } from '../../libraries/operation';

// THE registry of the API: every operation the BFF serves, once. Routers mount their operations from here
// (`route(router, OPERATIONS.x, handler)`), which applies the request checks declared here; the OpenAPI
// document (openapi.ts) and the API tests' response checks (tests/support/contract.ts) read the same entries.
// Adding an operation: see "Adding an API operation" in the README.

const ids = (...names: string[]) => z.object(Object.fromEntries(names.map((n) => [n, z.string()])));
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: message }).optional();
const text = (message: string) => z.string({ error: message }).optional();
const idempotencyKey = (required: boolean) =>
  z.object({
    'Idempotency-Key': (required ? z.string() : z.string().optional()).meta({
      description: '8–128 letters, digits or _.:-; a retry with the same key gets the first answer (Idempotent-Replayed: true)',
    }),
  });
const jpeg = { contentType: 'image/jpeg', description: 'the photo (JPEG, no metadata); Cache-Control: no-store' };
const html = { contentType: 'text/html', description: 'an HTML page (development only)' };

// Request schemas get their component names here (shared/ stays free of document concerns).
const Tokens = TokenResponse.meta({ id: 'TokenResponse' });
const DraftInput = ApplicationDraftInput.meta({ id: 'ApplicationDraftInput' });
const Credentials = ClientCredentialsInput.meta({ id: 'ClientCredentialsInput' });

export const OPERATIONS = {
  // --- process -----------------------------------------------------------------------------------
  health: defineOperation({
    method: 'get',
    path: '/healthz',
    summary: 'The process runs',
    auth: 'public',
    database: false,
    responses: { 200: Health },
  }),
  ready: defineOperation({
    method: 'get',
    path: '/readyz',
    summary: 'The database answers (503 with Retry-After otherwise)',
    auth: 'public',
    responses: { 200: Readiness },
  }),
  openApi: defineOperation({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    auth: 'public',
    database: false,
    responses: { 200: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) },
  }),
  docsPage: defineOperation({
    method: 'get',
    path: '/api/v1/docs',
    summary: 'A readable page of this document (development only)',
    auth: 'public',
    devOnly: true,
    database: false,
    responses: { 200: html },
  }),
  docsViewer: defineOperation({
    method: 'get',
    path: '/api/v1/docs/redoc.js',
    summary: "The page's viewer: Redoc's standalone bundle from its npm package (development only)",
    auth: 'public',
    devOnly: true,
    database: false,
    responses: { 200: { contentType: 'text/javascript', description: 'script' } },
  }),
  docsInit: defineOperation({
    method: 'get',
    path: '/api/v1/docs/init.js',
    summary: "The page's start-up script (development only)",
    auth: 'public',
    devOnly: true,
    database: false,
    responses: { 200: { contentType: 'text/javascript', description: 'script' } },
  }),
  devInbox: defineOperation({
    method: 'get',
    path: '/dev/inbox',
    summary: 'What dev push and dev SMS would have sent (development only)',
    auth: 'public',
    devOnly: true,
    responses: { 200: html },
  }),

  // --- guide and sign-in -------------------------------------------------------------------------
  getGuide: defineOperation({
    method: 'get',
    path: '/api/v1/guide',
    summary: 'Simple guide (standard appendix C), hospitals, pickup points, items',
    auth: 'public',
    database: false,
    responses: { 200: GuideResponse.meta({ id: 'GuideResponse' }) },
  }),
  login: defineOperation({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Parent login (wechat | alipay | zheliban | dev)',
    auth: 'public',
    limited: true,
    request: { body: { schema: LoginInput.meta({ id: 'LoginInput' }) } },
    responses: { 200: Tokens },
    errors: [401, 403],
  }),
  refresh: defineOperation({
    method: 'post',
    path: '/api/v1/auth/refresh',
    summary: 'Rotate the refresh token (single use; reuse revokes the family)',
    auth: 'public',
    limited: true,
    request: { body: { schema: RefreshInput.meta({ id: 'RefreshInput' }) } },
    responses: { 200: Tokens },
    errors: [401],
  }),
  departmentToken: defineOperation({
    method: 'post',
    path: '/api/v1/dept/auth/token',
    summary: 'Department service account (client credentials) → token',
    auth: 'public',
    limited: true,
    request: { body: { schema: Credentials } },
    responses: { 200: Tokens },
    errors: [401],
  }),
  operatorToken: defineOperation({
    method: 'post',
    path: '/api/v1/admin/auth/token',
    summary: 'Operator service account → token',
    auth: 'public',
    limited: true,
    request: { body: { schema: Credentials } },
    responses: { 200: Tokens },
    errors: [401],
  }),

  // --- applications (parents) --------------------------------------------------------------------
  createApplication: defineOperation({
    method: 'post',
    path: '/api/v1/applications',
    summary: 'Create a draft (ETag and Location headers); one open application per newborn',
    auth: 'parent',
    limited: true,
    request: {
      body: { schema: DraftInput, optional: true, validatedBy: 'service' },
    },
    responses: { 201: ApplicationView },
    errors: [409, 422],
  }),
  listApplications: defineOperation({
    method: 'get',
    path: '/api/v1/applications',
    summary: "The caller's applications",
    auth: 'parent',
    limited: true,
    responses: { 200: ApplicationList },
  }),
  getApplication: defineOperation({
    method: 'get',
    path: '/api/v1/applications/{id}',
    summary: 'One application, personal data masked (ETag header)',
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 200: ApplicationView },
    errors: [404],
  }),
  updateApplication: defineOperation({
    method: 'patch',
    path: '/api/v1/applications/{id}',
    summary: 'Update a draft (deep merge; null removes a field). Requires If-Match; a stale one is 409.',
    auth: 'parent',
    limited: true,
    request: {
      params: ids('id'),
      headers: z.object({ 'If-Match': z.string().meta({ description: 'the ETag of the version the change is based on' }) }),
      body: {
        schema: DraftInput,
        validatedBy: 'service',
        description:
          'Sections of ApplicationDraftInput to merge; `null` removes a field. The merged draft must satisfy ApplicationDraftInput.',
      },
    },
    responses: { 200: ApplicationView },
    errors: [404, 409, 428],
  }),
  withdrawApplication: defineOperation({
    method: 'delete',
    path: '/api/v1/applications/{id}',
    summary: 'Withdraw a draft, or an application before any item is accepted',
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 204: null },
    errors: [404, 409],
  }),
  submitApplication: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/submit',
    summary: 'Submit; dispatches the items that need nothing else. Idempotency-Key required.',
    auth: 'parent',
    limited: true,
    request: { params: ids('id'), headers: idempotencyKey(true) },
    responses: { 202: ApplicationView },
    errors: [404, 409, 422],
  }),
  fillVerifiedIdentity: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/verified-identity',
    summary:
      "Write the parent's verified name and phone (from the login) into their own draft; answered like a PATCH (phone masked). Requires If-Match.",
    auth: 'parent',
    limited: true,
    request: {
      params: ids('id'),
      headers: z.object({ 'If-Match': z.string().meta({ description: 'the ETag of the version the change is based on' }) }),
      body: { schema: IdentityFillInput.meta({ id: 'IdentityFillInput' }) },
    },
    responses: { 200: ApplicationView },
    errors: [404, 409, 422, 428],
  }),
  getProgress: defineOperation({
    method: 'get',
    path: '/api/v1/applications/{id}/progress',
    summary: 'Per-item state, timeline, deadlines and predicted completion in working days',
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 200: Progress },
    errors: [404],
  }),
  resubmitItem: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/items/{itemKey}/resubmit',
    summary: 'Correct and resubmit one rejected item (optional Idempotency-Key)',
    auth: 'parent',
    limited: true,
    request: {
      params: ids('id', 'itemKey'),
      headers: idempotencyKey(false),
      body: { schema: ResubmitItemInput.meta({ id: 'ResubmitItemInput' }), validatedBy: 'service' },
    },
    responses: { 200: ApplicationView },
    errors: [404, 409, 422],
  }),

  // --- photos and licences (parents) -------------------------------------------------------------
  uploadAttachment: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/attachments',
    summary:
      'Upload one ID photo or document (multipart: `file` and `kind`); the same kind again replaces the old one. Too small, blurred, dark, over-exposed or not an ID card is 422 with its own code (PHOTO_TOO_SMALL, PHOTO_BLURRY, PHOTO_TOO_DARK, PHOTO_OVEREXPOSED, PHOTO_NOT_ID_CARD). Stored as a watermarked JPEG without metadata, encrypted. Optional Idempotency-Key.',
    auth: 'parent',
    limited: true,
    request: {
      params: ids('id'),
      headers: idempotencyKey(false),
      body: {
        contentType: 'multipart/form-data',
        schema: z
          .object({
            file: z.string().meta({
              format: 'binary',
              description: `one photo, JPEG, PNG or WebP decided by its content (HEIC, GIF, SVG, PDF are 415), at most ${ATTACHMENT_LIMITS.maxBytes} bytes and ${ATTACHMENT_LIMITS.maxPixels} pixels`,
            }),
            kind: AttachmentKindInput,
          })
          .meta({ id: 'AttachmentUpload' }),
      },
    },
    responses: { 201: AttachmentView },
    errors: [404, 409, 422],
  }),
  listAttachments: defineOperation({
    method: 'get',
    path: '/api/v1/applications/{id}/attachments',
    summary: 'The photos and licence choices of an application, the kinds submit requires and what is still missing',
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 200: AttachmentList },
    errors: [404],
  }),
  getAttachment: defineOperation({
    method: 'get',
    path: '/api/v1/applications/{id}/attachments/{attachmentId}',
    summary: "The owner's view of a photo: the thumbnail, or the full image with ?size=full (audited)",
    auth: 'parent',
    limited: true,
    request: {
      params: ids('id', 'attachmentId'),
      query: z.object({ size: oneOf(['thumb', 'full'], 'size 应为 thumb（默认）或 full') }),
    },
    responses: { 200: jpeg },
    errors: [404],
  }),
  deleteAttachment: defineOperation({
    method: 'delete',
    path: '/api/v1/applications/{id}/attachments/{attachmentId}',
    summary: 'Remove a photo from a draft',
    auth: 'parent',
    limited: true,
    request: { params: ids('id', 'attachmentId') },
    responses: { 204: null },
    errors: [404, 409],
  }),
  useLicence: defineOperation({
    method: 'put',
    path: '/api/v1/applications/{id}/licences/{role}',
    summary:
      "Use this parent's electronic ID licence (电子身份证照) from the shared licence library instead of ID photos; looked up by the name and ID number in the draft",
    auth: 'parent',
    limited: true,
    request: { params: z.object({ id: z.string(), role: ParentRoleInput }) },
    responses: { 200: LicenceView },
    errors: [404, 409, 422],
  }),
  dropLicence: defineOperation({
    method: 'delete',
    path: '/api/v1/applications/{id}/licences/{role}',
    summary: 'Go back to ID photos for this parent',
    auth: 'parent',
    limited: true,
    request: { params: z.object({ id: z.string(), role: ParentRoleInput }) },
    responses: { 204: null },
    errors: [404, 409],
  }),

  // --- ratings (parents) -------------------------------------------------------------------------
  rate: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/ratings',
    summary:
      'Rate a stage (accepted | completed) or add the one 追评 (stage follow_up). 409: stage not reached, already rated, or 追评 before feedback / a second time. Optional Idempotency-Key.',
    description: `Levels: ${RATING_LEVELS.map((l) => `${l} = ${RATING_LEVEL_LABELS[l]} (tags: ${RATING_TAGS[l].map((t) => t.code).join(', ')})`).join('; ')}. 好评: the first three; 差评 (opens a case): the last two. \`comment\` is plain text, ≤ 500 characters, returned as given and never rendered as HTML.`,
    auth: 'parent',
    limited: true,
    request: {
      params: ids('id'),
      headers: idempotencyKey(false),
      body: {
        schema: RatingInput.meta({ id: 'RatingInput' }),
        validatedBy: 'service',
        description: 'A stage rating or the 追评; the service applies the schema of the stage given, for precise messages.',
      },
    },
    responses: { 201: RatingCreated },
    errors: [404, 409, 422],
  }),
  listRatings: defineOperation({
    method: 'get',
    path: '/api/v1/applications/{id}/ratings',
    summary: 'Per stage: reached, the rating, the handling of a bad rating (call-back, feedback), the 追评, canFollowUp',
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 200: RatingsView },
    errors: [404],
  }),

  // --- notices -----------------------------------------------------------------------------------
  listNotifications: defineOperation({
    method: 'get',
    path: '/api/v1/notifications',
    summary: "The caller's notices (progress, rejections, pickup), newest first",
    auth: 'parent',
    responses: { 200: NoticeList },
  }),
  recordSubscriptions: defineOperation({
    method: 'post',
    path: '/api/v1/subscriptions',
    summary:
      "Record a subscribe-message prompt (accept / reject / ban per template id of PUSH_TEMPLATES). `code` is a fresh wx.login / my.getAuthCode code, exchanged for the platform user id, which must be the caller's own (403 otherwise). Each accept is one credit, spent by one push of that template.",
    auth: 'parent',
    limited: true,
    request: { body: { schema: SubscriptionInput.meta({ id: 'SubscriptionInput' }) } },
    responses: { 201: SubscriptionRecorded.meta({ id: 'SubscriptionRecorded' }) },
    errors: [401, 403, 503],
  }),
  listSubscriptions: defineOperation({
    method: 'get',
    path: '/api/v1/subscriptions',
    summary: 'Unspent subscribe-message credits per platform and template (prompt again when 0)',
    auth: 'parent',
    limited: true,
    responses: { 200: SubscriptionsView.meta({ id: 'SubscriptionsView' }) },
  }),
  getPhoneConfirmation: defineOperation({
    method: 'get',
    path: '/api/v1/applications/{id}/phone-confirmations',
    summary: "Whether the phone this application's notices go to is confirmed (masked); sends nothing",
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 200: PhoneConfirmationView },
    errors: [404, 422],
  }),
  requestPhoneConfirmation: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/phone-confirmations',
    summary:
      "Send a 6-digit code by SMS to the phone this application's notices go to (masked in the answer; under the per-phone SMS caps, 429 with Retry-After beyond them). 200 when already confirmed. Until confirmed, that phone gets no notice SMS.",
    auth: 'parent',
    limited: true,
    request: { params: ids('id') },
    responses: { 201: PhoneConfirmationView.meta({ id: 'PhoneConfirmationView' }), 200: PhoneConfirmationView },
    errors: [404, 422, 503],
  }),
  confirmPhone: defineOperation({
    method: 'post',
    path: '/api/v1/applications/{id}/phone-confirmations/confirm',
    summary: 'Check the code (10 minutes, 5 attempts per code); 400 with what to do when wrong or expired.',
    auth: 'parent',
    limited: true,
    request: { params: ids('id'), body: { schema: PhoneConfirmationInput.meta({ id: 'PhoneConfirmationInput' }) } },
    responses: { 200: PhoneConfirmationView },
    errors: [404, 422],
  }),
  listOutbox: defineOperation({
    method: 'get',
    path: '/api/v1/admin/outbox',
    summary: 'Deliveries by state (dead = gave up after retries); no personal data',
    auth: 'operator',
    request: { query: z.object({ state: oneOf(['dead', 'pending'], 'state 应为 dead 或 pending') }) },
    responses: { 200: OutboxList },
  }),

  // --- departments -------------------------------------------------------------------------------
  listTasks: defineOperation({
    method: 'get',
    path: '/api/v1/dept/tasks',
    summary:
      "This department's work queue (default: every item it still has work on), oldest first, only the fields each item needs, identifiers masked; page with nextCursor. Items not yet dispatched are never shown.",
    auth: 'department',
    request: {
      query: z.object({
        status: oneOf(
          ITEM_STATES.filter((s) => s !== 'waiting') as unknown as readonly [string, ...string[]],
          `status 应为：${ITEM_STATES.filter((s) => s !== 'waiting').join('、')}`,
        ),
        limit: text('limit 应为 1–200 之间的整数').meta({ description: '1–200, default 50' }),
        cursor: text('cursor 无效，请使用上一页返回的 nextCursor').meta({ description: 'nextCursor of the previous page' }),
      }),
    },
    responses: { 200: TaskList },
  }),
  getTask: defineOperation({
    method: 'get',
    path: '/api/v1/dept/tasks/{taskId}',
    summary: 'One task with identifiers in clear (audited)',
    auth: 'department',
    request: { params: ids('taskId') },
    responses: { 200: TaskView },
    errors: [404],
  }),
  taskEvent: defineOperation({
    method: 'post',
    path: '/api/v1/dept/tasks/{taskId}/events',
    summary:
      'accept | reject (all reasons at once) | complete (outputs) | ship | ready_for_pickup | deliver; idempotent by eventId; an illegal transition is 409 with currentState and allowedEvents',
    auth: 'department',
    request: { params: ids('taskId'), body: { schema: DepartmentEvent.meta({ id: 'DepartmentEvent' }) } },
    responses: { 200: TaskView },
    errors: [404, 409, 422],
  }),
  getTaskAttachment: defineOperation({
    method: 'get',
    path: '/api/v1/dept/tasks/{taskId}/attachments/{attachmentId}',
    summary: "A photo the task's item needs (full size, audited); another kind or another department's task is 404",
    auth: 'department',
    request: { params: ids('taskId', 'attachmentId') },
    responses: { 200: jpeg },
    errors: [404],
  }),
  listDepartmentRatings: defineOperation({
    method: 'get',
    path: '/api/v1/dept/ratings',
    summary: "Ratings of this department's items, newest first; never the rater's identity nor the application",
    auth: 'department',
    request: {
      query: z.object({
        limit: text('limit 应为 1–200 之间的整数').meta({ description: '1–200, default 50' }),
        before: text('before 应为日期（YYYY-MM-DD，北京时间）或 ISO 8601 时间').meta({
          description: 'nextBefore of the previous page',
        }),
      }),
    },
    responses: { 200: DepartmentRatingList },
  }),
  listDepartmentCases: defineOperation({
    method: 'get',
    path: '/api/v1/dept/ratings/cases',
    summary:
      "This department's bad-rating cases (default: awaiting_callback and rectifying) with deadlines, overdue flags and allowedEvents",
    auth: 'department',
    request: { query: z.object({ status: oneOf(RATING_CASE_STATUSES, `status 应为：${RATING_CASE_STATUSES.join('、')}`) }) },
    responses: { 200: DepartmentRatingCaseList },
  }),
  getDepartmentCase: defineOperation({
    method: 'get',
    path: '/api/v1/dept/ratings/cases/{caseId}',
    summary: 'One case of this department',
    auth: 'department',
    request: { params: ids('caseId') },
    responses: { 200: RatingCaseView },
    errors: [404],
  }),
  getCaseContact: defineOperation({
    method: 'get',
    path: '/api/v1/dept/ratings/cases/{caseId}/contact',
    summary: "The call-back phone, to the case's department only, while the case is open; every read is audited",
    auth: 'department',
    request: { params: ids('caseId') },
    responses: { 200: RatingCaseContact },
    errors: [404, 409],
  }),
  caseEvent: defineOperation({
    method: 'post',
    path: '/api/v1/dept/ratings/cases/{caseId}/events',
    summary:
      'call_back | rectify | feedback (parent notified) | appeal; idempotent by eventId; out of order is 409 with allowedEvents',
    description: `Department events on a bad-rating case, in order call_back → rectify → feedback (feedback notifies the parent); appeal (reasons: ${APPEAL_REASONS.map((r) => `${r} = ${APPEAL_REASON_LABELS[r]}`).join('; ')}) once, before feedback. Types: ${RATING_CASE_EVENT_TYPES.join(', ')}.`,
    auth: 'department',
    request: { params: ids('caseId'), body: { schema: RatingCaseEvent.meta({ id: 'RatingCaseEvent' }) } },
    responses: { 200: RatingCaseView },
    errors: [404, 409, 422],
  }),

  // --- operators ---------------------------------------------------------------------------------
  listOperatorCases: defineOperation({
    method: 'get',
    path: '/api/v1/admin/ratings/cases',
    summary: 'Bad-rating cases with deadlines (call-back 1 day, feedback 15 days; RATING_* config), overdue flagged',
    auth: 'operator',
    request: {
      query: z.object({
        status: oneOf(RATING_CASE_STATUSES, `status 应为：${RATING_CASE_STATUSES.join('、')}`),
        department: oneOf(DEPARTMENT_CODES, `department 应为：${DEPARTMENT_CODES.join('、')}`),
        overdue: oneOf(['true', 'false'], 'overdue 应为 true 或 false'),
      }),
    },
    responses: { 200: OperatorRatingCaseList },
  }),
  decideAppeal: defineOperation({
    method: 'post',
    path: '/api/v1/admin/ratings/cases/{caseId}/appeal-decision',
    summary:
      'Uphold (the rating leaves that department’s statistics; the parent is told) or reject a pending appeal; repeating the same decision is a replay, another is 409',
    auth: 'operator',
    request: { params: ids('caseId'), body: { schema: AppealDecisionInput.meta({ id: 'AppealDecisionInput' }) } },
    responses: { 200: RatingCaseView },
    errors: [404, 409],
  }),
  ratingStats: defineOperation({
    method: 'get',
    path: '/api/v1/admin/ratings/stats',
    summary:
      'Per department and per item for [from, to) (default the last 30 days): count, levels, 好评率, 差评率, share of invited applications rated, cases opened and overdue',
    auth: 'operator',
    request: {
      query: z.object({
        from: text('from 应为日期（YYYY-MM-DD，北京时间）或 ISO 8601 时间').meta({
          description: 'YYYY-MM-DD (China time) or ISO 8601',
        }),
        to: text('to 应为日期（YYYY-MM-DD，北京时间）或 ISO 8601 时间').meta({
          description: 'YYYY-MM-DD (China time) or ISO 8601',
        }),
      }),
    },
    responses: { 200: RatingStats },
  }),
  sla: defineOperation({
    method: 'get',
    path: '/api/v1/admin/sla',
    summary: 'Items overdue or due within `withinHours` (default 8), by department',
    auth: 'operator',
    request: {
      query: z.object({ withinHours: text('withinHours 应为 0–336 之间的小时数').meta({ description: '0–336, default 8' }) }),
    },
    responses: { 200: SlaReport },
  }),
} as const;

export type OperationName = keyof typeof OPERATIONS;

/** Every operation as a list, in registry order. */
export const OPERATION_LIST = Object.values(OPERATIONS);
