import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  ApplicationInput,
  Problem,
  RATING_CASE_STATUSES,
  RATING_CASE_STATUS_LABELS,
  RATING_LEVELS,
  RATING_LEVEL_LABELS,
  RATING_STAGES,
  RATING_TAGS,
} from '@birth/shared';
import { errorStatuses, type OperationSpec } from '../../libraries/operation';
import { OPERATION_LIST } from './operations';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: every failing field in `errors` (VALIDATION_FAILED), or a body that cannot be parsed (BAD_REQUEST)',
  401: 'No token, or a bad or expired one (UNAUTHENTICATED)',
  403: 'Another role, or not yours (FORBIDDEN)',
  404: 'Unknown, or someone else’s (NOT_FOUND)',
  409: 'Version or state conflict (CONFLICT)',
  413: 'Body too large (PAYLOAD_TOO_LARGE)',
  415: 'Unsupported content type or photo format (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Understood but not acceptable (e.g. a blurred photo, an Idempotency-Key reused with another body)',
  428: 'If-Match missing (PRECONDITION_REQUIRED)',
  429: 'Rate limited; Retry-After says when to try again (RATE_LIMITED)',
  500: 'A bug on our side; no detail of the cause (INTERNAL)',
  503: 'A dependency (database, licence library) is down; Retry-After says when to try again (DEPENDENCY_UNAVAILABLE)',
};

const tagOf = (op: OperationSpec) => (op.auth === 'public' ? (op.path.startsWith('/api/') ? 'public' : 'process') : op.auth);

function register(registry: OpenAPIRegistry, op: OperationSpec) {
  const { params, query, headers, body } = op.request ?? {};
  const responses: Record<string, object> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    if (spec === null) responses[status] = { description: 'no content' };
    else if ('contentType' in spec && typeof spec.contentType === 'string')
      responses[status] = {
        description: spec.description,
        content: { [spec.contentType]: { schema: { type: 'string', format: 'binary' } } },
      };
    else responses[status] = { description: 'OK', content: { 'application/json': { schema: spec } } };
  }
  for (const status of errorStatuses(op)) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'problem+json',
      content: { 'application/problem+json': { schema: Problem } },
    };
  }
  registry.registerPath({
    method: op.method,
    path: op.path,
    summary: op.summary,
    description: op.description,
    tags: [tagOf(op)],
    ...(op.auth === 'public' ? {} : { security: [{ bearer: [] }], 'x-role': op.auth }),
    request: {
      ...(params ? { params } : {}),
      ...(query ? { query } : {}),
      ...(headers ? { headers } : {}),
      ...(body
        ? {
            body: {
              required: !body.optional,
              description: body.description,
              content: { [body.contentType ?? 'application/json']: { schema: body.schema } },
            },
          }
        : {}),
    },
    responses: responses as never,
  });
}

/** The OpenAPI 3.0 document, generated from the registry of operations (operations.ts); development-only ones left out. */
export function buildOpenApi() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  // What submit checks the stored draft against (submit itself has no body), and the rating vocabularies.
  registry.registerComponent(
    'schemas',
    'ApplicationInput',
    z.toJSONSchema(ApplicationInput, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as never,
  );
  registry.registerComponent('schemas', 'RatingLevel', {
    type: 'string',
    enum: [...RATING_LEVELS],
    description: `${RATING_LEVELS.map((l) => `${l} = ${RATING_LEVEL_LABELS[l]}`).join('; ')}. 好评: the first three; 差评 (opens a case): the last two.`,
    'x-tags-by-level': Object.fromEntries(RATING_LEVELS.map((l) => [l, RATING_TAGS[l]])),
  });
  registry.registerComponent('schemas', 'RatingStage', {
    type: 'string',
    enum: [...RATING_STAGES],
    description: 'accepted = 受理 (first item accepted); completed = 办结 (every item finished)',
  });
  registry.registerComponent('schemas', 'RatingCaseStatus', {
    type: 'string',
    enum: [...RATING_CASE_STATUSES],
    description: RATING_CASE_STATUSES.map((s) => `${s} = ${RATING_CASE_STATUS_LABELS[s]}`).join('; '),
  });
  for (const op of OPERATION_LIST) if (!('devOnly' in op && op.devOnly)) register(registry, op);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: '出生"一件事" BFF',
      version: '1.0.0',
      description:
        'One application for five newborn items across four departments. Errors are application/problem+json (RFC 9457) with a stable `code`, a Chinese `detail` and, for validation, every failing field in `errors`. Times are ISO 8601 in UTC.',
    },
    servers: [{ url: '/' }],
  });
}
