// A small client for the BFF's department API (/api/v1/dept/*), as a department system would use it:
// client-credentials login, a token renewed before it expires or when a 401 comes back, task listing and
// events. Used by the department simulator; nothing here knows about the simulator's behaviour.
import type { DepartmentCode, DepartmentEvent, ItemKey, ItemState } from '@birth/shared';
import { DEPARTMENT_CODES } from '@birth/shared';

export type DepartmentCredentials = { code: DepartmentCode; clientId: string; clientSecret: string };

/** A task as the department API lists it (only the fields the simulator relies on are typed). */
export type DepartmentTask = {
  taskId: string;
  applicationId?: string;
  itemKey: ItemKey;
  itemName?: string;
  state: ItemState;
  allowedEvents: string[];
  resubmissions?: number;
  data: Record<string, unknown>;
  upstream?: Record<string, unknown>;
  outputs?: Record<string, string>;
};

/** The BFF answered with an HTTP error (not a network failure). */
export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(`${method} ${path} → ${status}${describeProblem(body)}`);
    this.name = 'HttpError';
  }
}

function describeProblem(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const problem = body as { code?: unknown; detail?: unknown; errors?: unknown };
  const parts = [problem.code, problem.detail].filter((p) => typeof p === 'string');
  const errors = Array.isArray(problem.errors)
    ? (problem.errors as { path?: string; message?: string }[]).map((e) => `${e.path ?? ''}: ${e.message ?? ''}`)
    : [];
  const text = [...parts, ...errors].join(' | ');
  return text ? ` (${text})` : '';
}

/** Default development accounts, as the BFF creates them outside production (dev-<code> / dev-<code>-secret). */
export function devCredentials(): DepartmentCredentials[] {
  return DEPARTMENT_CODES.map((code) => ({ code, clientId: `dev-${code}`, clientSecret: `dev-${code}-secret` }));
}

/**
 * Parses `code:clientId:secret,…` (the BFF's DEPT_CLIENTS format; the secret may contain colons).
 * Throws with a readable message on a bad entry.
 */
export function parseClients(value: string): DepartmentCredentials[] {
  const out: DepartmentCredentials[] = [];
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [code, clientId, ...secret] = entry.split(':');
    if (!(DEPARTMENT_CODES as readonly string[]).includes(code) || !clientId || secret.length === 0 || !secret.join(':')) {
      throw new Error(`SIM_CLIENTS: each entry is code:clientId:secret with code one of ${DEPARTMENT_CODES.join(', ')}`);
    }
    out.push({ code: code as DepartmentCode, clientId, clientSecret: secret.join(':') });
  }
  return out;
}

export type EventResult =
  | { outcome: 'applied'; task: DepartmentTask }
  | { outcome: 'replayed'; task: DepartmentTask }
  /** 409: the item is no longer in a state where this event applies (someone else moved it). */
  | { outcome: 'conflict'; body: unknown };

export type DepartmentClientOptions = DepartmentCredentials & {
  baseUrl: string;
  /** Per-request time limit; default 10 s. */
  timeoutMs?: number;
  /** Renew the token this long before it expires; default 30 s. */
  renewBeforeMs?: number;
  /** Aborts every request (the simulator's stop). */
  signal?: AbortSignal;
  now?: () => number;
};

export class DepartmentClient {
  readonly code: DepartmentCode;
  private readonly baseUrl: string;
  private token: { value: string; expiresAt: number } | null = null;
  private loggingIn: Promise<string> | null = null;

  constructor(private readonly options: DepartmentClientOptions) {
    this.code = options.code;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** Forgets the token, so the next request logs in again. */
  invalidate(): void {
    this.token = null;
  }

  /** A valid access token, logging in when there is none or it is about to expire. */
  async accessToken(): Promise<string> {
    const renewBefore = this.options.renewBeforeMs ?? 30_000;
    if (this.token && this.token.expiresAt - renewBefore > this.now()) return this.token.value;
    // One login at a time even when several steps need a token at once.
    this.loggingIn ??= this.login().finally(() => {
      this.loggingIn = null;
    });
    return this.loggingIn;
  }

  private async login(): Promise<string> {
    const body = await this.send('POST', '/api/v1/dept/auth/token', {
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
    });
    const { accessToken, expiresIn, department } = (body ?? {}) as {
      accessToken?: unknown;
      expiresIn?: unknown;
      department?: unknown;
    };
    if (typeof accessToken !== 'string' || !accessToken)
      throw new Error('POST /api/v1/dept/auth/token: no accessToken in the answer');
    if (department !== undefined && department !== this.code) {
      throw new Error(
        `POST /api/v1/dept/auth/token: client ${this.options.clientId} belongs to ${String(department)}, not ${this.code}`,
      );
    }
    const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 300;
    this.token = { value: accessToken, expiresAt: this.now() + seconds * 1000 };
    return accessToken;
  }

  /** An authenticated request; on a 401 it logs in again once and repeats the request. */
  private async authed(method: string, path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      try {
        return await this.send(method, path, body, token);
      } catch (err) {
        if (err instanceof HttpError && err.status === 401 && attempt === 0) {
          this.invalidate();
          continue;
        }
        throw err;
      }
    }
  }

  private async send(method: string, path: string, body?: unknown, token?: string): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    let parsed: unknown = text;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
    }
    if (!res.ok) {
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new HttpError(
        method,
        path,
        res.status,
        parsed,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    // Keep the replay marker without changing the body's shape for callers.
    if (res.headers.get('idempotent-replayed') === 'true' && parsed && typeof parsed === 'object') {
      Object.defineProperty(parsed, REPLAYED, { value: true, enumerable: false });
    }
    return parsed;
  }

  /** Any authenticated call of the department API (JSON in, JSON out). */
  request(method: string, path: string, body?: unknown): Promise<unknown> {
    return this.authed(method, path, body);
  }

  /** This department's tasks in one state. */
  async listTasks(status: ItemState): Promise<DepartmentTask[]> {
    const body = (await this.authed('GET', `/api/v1/dept/tasks?status=${encodeURIComponent(status)}`)) as { tasks?: unknown };
    if (!body || !Array.isArray(body.tasks))
      throw new Error(`GET /api/v1/dept/tasks?status=${status}: no tasks array in the answer`);
    return body.tasks as DepartmentTask[];
  }

  /** One task with identifiers in clear. The BFF audits every such read: call it only when needed. */
  async getTask(taskId: string): Promise<DepartmentTask> {
    return (await this.authed('GET', `/api/v1/dept/tasks/${encodeURIComponent(taskId)}`)) as DepartmentTask;
  }

  /** Posts an event; idempotent by eventId. A 409 is an outcome, not an error. */
  async postEvent(taskId: string, event: DepartmentEvent): Promise<EventResult> {
    try {
      const task = (await this.authed(
        'POST',
        `/api/v1/dept/tasks/${encodeURIComponent(taskId)}/events`,
        event,
      )) as DepartmentTask;
      const replayed = !!task && typeof task === 'object' && (task as unknown as Record<symbol, unknown>)[REPLAYED] === true;
      return { outcome: replayed ? 'replayed' : 'applied', task };
    } catch (err) {
      // A 409 with Retry-After is "busy, try again" (a concurrent update), not a state conflict.
      if (err instanceof HttpError && err.status === 409 && err.retryAfterMs === undefined)
        return { outcome: 'conflict', body: err.body };
      throw err;
    }
  }
}

const REPLAYED = Symbol('idempotent-replayed');

/** A bad-rating case as the department API lists it (only the fields the simulator relies on are typed). */
export type RatingCase = {
  caseId: string;
  status: string;
  allowedEvents: string[];
  items: { key: ItemKey; name: string }[];
  rating: { levelLabel: string; tags: { code: string; label: string }[]; comment: string | null } | null;
};

/** Events on a bad-rating case (the shared RatingCaseEvent, loosely typed to keep this client light). */
export type RatingCaseEventBody = { eventId: string; type: 'call_back' | 'rectify' | 'feedback' | 'appeal' } & Record<
  string,
  unknown
>;

export class RatingCaseClient {
  constructor(private readonly client: DepartmentClient) {}

  /** This department's cases still to act on (awaiting call-back, rectifying). */
  async listCases(): Promise<RatingCase[]> {
    const body = (await this.client.request('GET', '/api/v1/dept/ratings/cases')) as { cases?: unknown };
    if (!body || !Array.isArray(body.cases)) throw new Error('GET /api/v1/dept/ratings/cases: no cases array in the answer');
    return body.cases as RatingCase[];
  }

  /** The call-back number; the BFF audits every read. Never log it. */
  async callbackPhone(caseId: string): Promise<string> {
    const body = (await this.client.request('GET', `/api/v1/dept/ratings/cases/${encodeURIComponent(caseId)}/contact`)) as {
      callbackPhone?: unknown;
    };
    return typeof body?.callbackPhone === 'string' ? body.callbackPhone : '';
  }

  /** Posts a case event; idempotent by eventId. A 409 (out of order, already done) is an outcome. */
  async postEvent(caseId: string, event: RatingCaseEventBody): Promise<'applied' | 'replayed' | 'conflict'> {
    try {
      const body = await this.client.request('POST', `/api/v1/dept/ratings/cases/${encodeURIComponent(caseId)}/events`, event);
      return !!body && typeof body === 'object' && (body as Record<symbol, unknown>)[REPLAYED] === true ? 'replayed' : 'applied';
    } catch (err) {
      if (err instanceof HttpError && err.status === 409 && err.retryAfterMs === undefined) return 'conflict';
      throw err;
    }
  }
}
