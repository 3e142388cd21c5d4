import { createHash } from 'node:crypto';
import { Schema, trusted, type Connection } from 'mongoose';
import { AppError } from './errors';
import { isDuplicateKeyError } from './mongo';

type IdempotencyDoc = {
  _id: string;
  requestHash: string;
  state: 'in_progress' | 'done';
  status?: number;
  /** The answer as JSON text, so a replay is byte-identical (a stored object would turn undefined into null). */
  body?: string;
  createdAt: Date;
};

const schema = new Schema<IdempotencyDoc>(
  {
    _id: String,
    requestHash: { type: String, required: true },
    state: { type: String, required: true },
    status: Number,
    body: String,
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false, minimize: false },
);

export type IdempotentResult<T> = { status: number; body: T; replayed: boolean };

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

/** Reads and checks the Idempotency-Key header of a write that a phone may retry. */
export function idempotencyKeyFrom(header: string | undefined): string {
  if (!header)
    throw new AppError('VALIDATION_FAILED', '缺少 Idempotency-Key 请求头', {
      errors: [{ path: 'headers.idempotency-key', message: '请为本次提交生成一个唯一标识（8–128 位字母、数字或 _.:-）' }],
    });
  if (!KEY_PATTERN.test(header))
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key 格式不正确', {
      errors: [{ path: 'headers.idempotency-key', message: '应为 8–128 位字母、数字或 _.:-' }],
    });
  return header;
}

/**
 * Exactly-once answers without transactions: the first request with a key inserts a record (unique _id),
 * runs, and stores its answer; a retry with the same key and body gets the stored answer; the same key
 * with another body is 422. A retry that arrives while the first still runs waits for its answer.
 */
export function createIdempotencyStore(connection: Connection, now: () => Date = () => new Date()) {
  const Model = connection.model<IdempotencyDoc>('Idempotency', schema, 'idempotency_keys');

  return {
    async run<T>(
      scope: string,
      key: string,
      request: unknown,
      fn: () => Promise<{ status: number; body: T }>,
    ): Promise<IdempotentResult<T>> {
      const _id = `${scope}:${key}`;
      const requestHash = createHash('sha256')
        .update(JSON.stringify(request ?? null))
        .digest('base64url');
      try {
        await Model.create({ _id, requestHash, state: 'in_progress', createdAt: now() });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        return waitForStored<T>(_id, requestHash);
      }
      try {
        const result = await fn();
        await Model.updateOne({ _id }, { $set: { state: 'done', status: result.status, body: JSON.stringify(result.body) } });
        return { ...result, replayed: false };
      } catch (err) {
        // A client error is an answer too: store it, so a retry gets the same one.
        if (err instanceof AppError && err.status < 500) {
          const error = { __error: { code: err.code, detail: err.detail, extra: err.extra } };
          await Model.updateOne({ _id }, { $set: { state: 'done', status: err.status, body: JSON.stringify(error) } });
        } else {
          await Model.deleteOne({ _id, state: 'in_progress' }); // let a retry run it again
        }
        throw err;
      }
    },

    async sweep(olderThan: Date): Promise<number> {
      return (await Model.deleteMany({ createdAt: trusted({ $lt: olderThan }), state: 'done' })).deletedCount;
    },
  };

  async function waitForStored<T>(_id: string, requestHash: string): Promise<IdempotentResult<T>> {
    for (let i = 0; i < 100; i++) {
      const doc = await Model.findById(_id).lean<IdempotencyDoc>();
      if (!doc) throw new AppError('CONFLICT', '上一次提交未完成，请重试', { headers: { 'Retry-After': '1' } });
      if (doc.requestHash !== requestHash) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', '同一个 Idempotency-Key 已用于内容不同的请求，请为新的请求生成新的标识');
      }
      if (doc.state === 'done') {
        const stored = JSON.parse(doc.body ?? 'null') as T & {
          __error?: { code: string; detail: string; extra: Record<string, unknown> };
        };
        if (stored && stored.__error)
          throw new AppError(stored.__error.code as never, stored.__error.detail, stored.__error.extra);
        return { status: doc.status ?? 200, body: stored, replayed: true };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new AppError('CONFLICT', '相同的请求正在处理中，请稍后刷新查看', { headers: { 'Retry-After': '2' } });
  }
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
