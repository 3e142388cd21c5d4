// The API tests' side of the contract: every response a test receives is checked against the registry of
// operations (bff/src/components/openapi/operations.ts), the same entries the OpenAPI document is built
// from. A body that does not match its schema, or a status the operation does not document, fails the
// test that received it, so the document cannot drift from what the BFF answers.
import { z } from 'zod';
import { Problem } from '@birth/shared';
import { OPERATION_LIST } from '../../bff/src/components/openapi';
import { errorStatuses, type OperationSpec } from '../../bff/src/libraries/operation';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Routes match case-sensitively and with or without a trailing slash, as @koa/router does here.
const MATCHERS = OPERATION_LIST.map((op) => ({
  op: op as OperationSpec,
  pattern: new RegExp(
    `^${op.path
      .split(/\{\w+\}/)
      .map(escape)
      .join('[^/]+')}/?$`,
  ),
}));

/** The registry's operation that answers `method` on `path` (query string allowed), if any. */
export function findOperation(method: string, path: string): OperationSpec | undefined {
  const pathname = new URL(path, 'http://localhost').pathname;
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return MATCHERS.find((x) => x.op.method === m && x.pattern.test(pathname))?.op;
}

export class ContractError extends Error {}

function mismatch(what: string, error?: z.ZodError): never {
  throw new ContractError(`response breaks the API contract: ${what}${error ? `\n${z.prettifyError(error)}` : ''}`);
}

/**
 * Checks one response against the registry: the status must be documented for the operation, a JSON body
 * must parse with its schema (errors with `Problem`), other media types must be what is documented.
 * A request that matches no operation (an unknown path or method) must still answer a `Problem`.
 */
export function checkResponse(
  method: string,
  path: string,
  res: { status: number; contentType: string; body: unknown; empty: boolean },
): void {
  const op = findOperation(method, path);
  const where = `${method} ${path} → ${res.status}`;
  const head = method.toUpperCase() === 'HEAD';
  if (res.status >= 400) {
    if (op && !errorStatuses(op).includes(res.status))
      mismatch(
        `${where}: status not documented for ${op.method.toUpperCase()} ${op.path} (documented: ${errorStatuses(op).join(', ')})`,
      );
    if (head) return;
    if (!res.contentType.startsWith('application/problem+json'))
      mismatch(`${where}: an error must be application/problem+json, got ${res.contentType}`);
    const parsed = Problem.safeParse(res.body);
    if (!parsed.success) mismatch(`${where}: not a Problem`, parsed.error);
    if (parsed.data.status !== res.status) mismatch(`${where}: Problem.status ${parsed.data.status}`);
    return;
  }
  if (!op) {
    if (res.status >= 200 && res.status < 300 && path.startsWith('/api/'))
      mismatch(`${where}: no operation in the registry answers this`);
    return; // static files of the web app
  }
  if (!(res.status in op.responses)) mismatch(`${where}: status not documented for ${op.method.toUpperCase()} ${op.path}`);
  const spec = op.responses[res.status];
  if (head) return;
  if (spec === null) {
    if (!res.empty) mismatch(`${where}: documented without a body, but one came`);
  } else if ('contentType' in spec && typeof spec.contentType === 'string') {
    if (!res.contentType.startsWith(spec.contentType)) mismatch(`${where}: expected ${spec.contentType}, got ${res.contentType}`);
  } else {
    if (!res.contentType.startsWith('application/json')) mismatch(`${where}: expected application/json, got ${res.contentType}`);
    const parsed = (spec as z.ZodType).safeParse(res.body);
    if (!parsed.success) mismatch(`${where}: body does not match its schema`, parsed.error);
  }
}

/** Reads a fetch response once and checks it against the contract; returns the text it read. */
export async function checkedText(method: string, path: string, res: Response): Promise<string> {
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (contentType.includes('json') && text) body = JSON.parse(text);
  checkResponse(method, path, { status: res.status, contentType, body, empty: text.length === 0 });
  return text;
}
