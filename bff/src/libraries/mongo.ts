import mongoose, { type Connection, type mongo } from 'mongoose';

// Mongoose options that matter for safety on both MongoDB and FerretDB:
// sanitizeFilter stops a JSON body such as {"$ne": null} from reaching a query as an operator;
// strictQuery drops unknown paths from filters instead of passing them through.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/**
 * Opens a connection without waiting for the server: the BFF starts (and answers /readyz with 503)
 * while the database is down, and the driver reconnects on its own when it comes back.
 */
export function createConnection(uri: string, dbName: string): Connection {
  const conn = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    heartbeatFrequencyMS: 1000,
    autoIndex: true,
    retryWrites: false, // FerretDB 1.24 does not support retryable writes
  });
  // Errors surface through operations and /readyz; an unhandled 'error' event would crash the process.
  conn.on('error', () => undefined);
  return conn;
}

/** True when the database answers a ping within timeoutMs. */
export async function pingDatabase(conn: Connection, timeoutMs = 1500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const db = conn.getClient().db(conn.name || undefined);
    const ping = db.command({ ping: 1 }, { timeoutMS: timeoutMs } as never).then(() => true);
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return await Promise.race([ping, timeout]);
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * The most `_id`s one `{_id: {$in: [...]}}` read carries: the patched FerretDB answers such a read from its `_id`
 * index up to 1,000 values (scripts/patches/ferretdb-sqlite-id-set.patch) and scans beyond; callers split longer
 * lists with idChunks.
 */
export const ID_SET_MAX = 500;

/** Splits a list of `_id`s into reads of at most ID_SET_MAX. */
export function idChunks<T>(ids: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let at = 0; at < ids.length; at += ID_SET_MAX) chunks.push(ids.slice(at, at + ID_SET_MAX));
  return chunks;
}

/**
 * The exclusion projection that leaves out `fields` (never `_id` or `version`, which every reader of a
 * versioned document needs), or undefined when nothing is left out.
 */
export function leavingOut(fields: readonly string[] | undefined): Record<string, 0> | undefined {
  const left = fields?.filter((f) => f !== 'version' && f !== '_id');
  return left?.length ? Object.fromEntries(left.map((f) => [f, 0 as const])) : undefined;
}

type Waiter<T> = { resolve: (doc: T | null) => void; reject: (err: unknown) => void };

/**
 * `_id` look-ups in one collection, coalesced: the look-ups asked for in the same turn of the event loop go
 * to the database together, as one `_id` set read per ID_SET_MAX (one `findOne` when alone, as before). Each
 * caller gets exactly what its own `findOne` issued at that moment would have returned, as an object of its
 * own (the same `_id` asked twice in one turn goes in two reads); under concurrent requests a process sends
 * one command where it sent one per request. A failed read fails its callers.
 */
export function coalescedFindById<T extends { _id: string }>(
  collection: Pick<mongo.Collection<T>, 'findOne' | 'find'>,
  projection?: Record<string, 0 | 1>,
): (id: string) => Promise<T | null> {
  let pending: Map<string, Waiter<T>>[] | null = null;
  const read = async (ids: string[], waiting: Map<string, Waiter<T>>) => {
    try {
      const docs =
        ids.length === 1
          ? [await collection.findOne<T>({ _id: ids[0] } as never, { projection })]
          : await collection.find<T>({ _id: { $in: ids } } as never, { projection, batchSize: ids.length }).toArray();
      const byId = new Map(docs.filter((d): d is T => !!d).map((d) => [d._id, d]));
      for (const id of ids) waiting.get(id)!.resolve(byId.get(id) ?? null);
    } catch (err) {
      for (const id of ids) waiting.get(id)!.reject(err);
    }
  };
  const flush = () => {
    const batches = pending!;
    pending = null;
    for (const waiting of batches) for (const ids of idChunks([...waiting.keys()])) void read(ids, waiting);
  };
  return (id) =>
    new Promise<T | null>((resolve, reject) => {
      if (!pending) {
        pending = [];
        setImmediate(flush);
      }
      let batch = pending.find((b) => !b.has(id));
      if (!batch) pending.push((batch = new Map()));
      batch.set(id, { resolve, reject });
    });
}

/** MongoDB's duplicate-key error, which FerretDB reports with the same code. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoServerClosedError',
]);

/** FerretDB on SQLite answers "database is locked" under write contention: busy, not broken. */
const BUSY = /SQLITE_BUSY|database is locked/i;

/** The driver could not reach the database (as opposed to the database refusing an operation). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Error & { errorLabels?: string[] };
  return (
    UNAVAILABLE.has(e.name) ||
    BUSY.test(String(e.message ?? '')) ||
    !!e.errorLabels?.includes('PoolRequestedRetry') ||
    isUnsentBulkWrite(e)
  );
}

/**
 * An insertMany that the driver could not send (the database went away) throws a MongoBulkWriteError that
 * wraps the driver's error: no write errors of its own, and the network error's `beforeHandshake` or the
 * server selection error's `reason` copied onto it. (A write the database refused has `writeErrors`.)
 */
function isUnsentBulkWrite(e: object): boolean {
  if ((e as Error).name !== 'MongoBulkWriteError') return false;
  const { writeErrors } = e as { writeErrors?: unknown[] };
  return !writeErrors?.length && ('beforeHandshake' in e || 'reason' in e);
}
