import { createHash } from 'node:crypto';
import { Schema, trusted, type Connection } from 'mongoose';
import { AppError } from './errors';
import { isDuplicateKeyError } from './mongo';

type IdempotencyDoc = {
  _id: string;
  requestHash: string;
  /** `takeover` marks one retry's claim on an expired lease (its own record, `<key>#<lease end>`). */
  state: 'in_progress' | 'done' | 'takeover';
  /** While in progress: until when the request that runs it may still answer; after that a retry runs it. */
  leaseUntil?: Date;
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
    leaseUntil: Date,
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
 *
 * A request that dies (a crash, a lost database) leaves its record in progress: the record carries a
 * lease, and once the lease is over one retry takes it over (a unique insert of a takeover marker names
 * that exact lease) and runs the operation again. The operations behind keys are idempotent on their
 * own state (a submit that committed recognises its key), so running one again gives the same answer.
 */
export function createIdempotencyStore(
  connection: Connection,
  now: () => Date = () => new Date(),
  options: { leaseMs?: number; waitMs?: number } = {},
) {
  const Model = connection.model<IdempotencyDoc>('Idempotency', schema, 'idempotency_keys');
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 5_000;
  const leaseEnd = () => new Date(now().getTime() + leaseMs);

  async function execute<T>(_id: string, fn: () => Promise<{ status: number; body: T }>): Promise<IdempotentResult<T>> {
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
        // Let a retry run it again at once (if the database is down, the lease lets it later).
        await Model.deleteOne({ _id, state: 'in_progress' }).catch(() => undefined);
      }
      throw err;
    }
  }

  /** One retry wins an expired lease: the marker's _id names the lease, so only one insert succeeds. */
  async function takeOver(record: IdempotencyDoc): Promise<boolean> {
    try {
      await Model.create({
        _id: `${record._id}#${new Date(record.leaseUntil!).getTime()}`,
        requestHash: record.requestHash,
        state: 'takeover',
        createdAt: now(),
      });
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    await Model.updateOne({ _id: record._id }, { $set: { leaseUntil: leaseEnd() } });
    return true;
  }

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
      const started = Date.now();
      for (;;) {
        try {
          await Model.create({ _id, requestHash, state: 'in_progress', leaseUntil: leaseEnd(), createdAt: now() });
          return await execute(_id, fn);
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
        const record = await Model.findById(_id).lean<IdempotencyDoc>();
        if (!record) continue; // the first attempt failed and let go: run it now
        if (record.requestHash !== requestHash) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', '同一个 Idempotency-Key 已用于内容不同的请求，请为新的请求生成新的标识');
        }
        if (record.state === 'done') return stored<T>(record);
        const expired = !record.leaseUntil || new Date(record.leaseUntil).getTime() <= now().getTime();
        if (expired && (await takeOver({ ...record, leaseUntil: record.leaseUntil ?? new Date(0) }))) return execute(_id, fn);
        if (Date.now() - started > waitMs) {
          throw new AppError('CONFLICT', '相同的请求正在处理中，请稍后刷新查看', { headers: { 'Retry-After': '2' } });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },

    async sweep(olderThan: Date): Promise<number> {
      // Records of any state: a request in progress for a week is long dead, and so are takeover markers.
      return (await Model.deleteMany({ createdAt: trusted({ $lt: olderThan }) })).deletedCount;
    },
  };

  function stored<T>(doc: IdempotencyDoc): IdempotentResult<T> {
    const body = JSON.parse(doc.body ?? 'null') as T & {
      __error?: { code: string; detail: string; extra: Record<string, unknown> };
    };
    if (body && body.__error) throw new AppError(body.__error.code as never, body.__error.detail, body.__error.extra);
    return { status: doc.status ?? 200, body, replayed: true };
  }
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
