import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Connection } from 'mongoose';
import type { Logger } from '../../libraries/logger';
import type { Loaded } from '../../libraries/versioned';
import { isProviderError } from '../../providers/provider-error';
import type { ApplicationsRepository } from '../applications/applications.repository';
import type { ApplicationDoc, OutboxEntry } from '../applications/application.model';
import type { Deliver } from './notifications.notifier';
import { COMBINABLE, combinedEntry } from './notification.combine';
import { isDeferred } from './notification.policy';
import { createLeases, type Lease } from './outbox.lease';

export type OutboxRelayDeps = {
  connection: Connection;
  /** The one way applications are read and changed (version claims included). */
  applications: Pick<ApplicationsRepository, 'findById' | 'changeFrom' | 'findOutboxDue' | 'settleOutboxDue'>;
  deliver: Deliver;
  now?: () => Date;
  /** Names this relay in its leases; unique per process. */
  workerId?: string;
  /** How long one relay may work on one application before another may take over (default 30 s). */
  leaseMs?: number;
  /** Attempts before an entry is given up as dead (default 6). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter (default 5 s). */
  baseBackoffMs?: number;
  /** Longest retry delay (default 1 h). */
  maxBackoffMs?: number;
  /** Applications looked at per run (default 50). */
  batchSize?: number;
  /** Applications worked on at once within a run (default 4). */
  concurrency?: number;
  random?: () => number;
  logger?: Logger;
  /**
   * Item changes (accepted, completed, shipped, delivered) of one application created within this many ms
   * of the first go out as one combined notice, sent when the window closes (default 0: each on its own).
   */
  combineWindowMs?: number;
};

export type RelayResult = { delivered: number; retried: number; dead: number };

type Outcome =
  | { index: number; id: string; ok: true }
  | { index: number; id: string; ok: false; error: string; permanent: boolean; deferUntil?: Date };

const MAX_ERROR_LENGTH = 200;

/**
 * What an operator sees of a failure. Provider errors are built without personal data (provider-error.ts);
 * anything else is cut down to its name and message with digit runs (phones, ID numbers) removed.
 */
export function describeError(err: unknown): string {
  if (isProviderError(err)) return err.message.slice(0, MAX_ERROR_LENGTH);
  const e = err as { name?: unknown; message?: unknown } | null;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const text = `${name}: ${message}`.replace(/\d{5,}/g, '[…]').replace(/\s+/g, ' ');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

const isPermanent = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;

/**
 * The outbox relay. Finds applications whose outbox is due, takes a lease on each (so any number of relays
 * share the work and never deliver one application's notices at the same time), delivers the due entries
 * and records the outcome.
 *
 * Recording goes through the application's version claims (libraries/versioned.ts), like every other
 * change to an application: on FerretDB 1.24 an update rewrites the whole document, so a plain `$set` of
 * `outbox.<i>.state` racing a department event could silently undo that event (measured: concurrent plain
 * and versioned updates of one document lose one or the other). Entries are updated by index — the outbox
 * is append-only, so an index names the same entry for ever — and `outboxDue` is recomputed from the
 * document as it is at the version the update applies to, so an entry pushed meanwhile stays due.
 */
export function createOutboxRelay(deps: OutboxRelayDeps) {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const leaseMs = deps.leaseMs ?? 30_000;
  const maxAttempts = deps.maxAttempts ?? 6;
  const baseBackoffMs = deps.baseBackoffMs ?? 5_000;
  const maxBackoffMs = deps.maxBackoffMs ?? 3_600_000;
  const batchSize = deps.batchSize ?? 50;
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const combineWindowMs = Math.max(0, deps.combineWindowMs ?? 0);
  const workerId = deps.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  // The same change log as the applications repository: claims on `<id>:<version>` are shared with it.
  const leases = createLeases({ connection: deps.connection, owner: workerId, leaseMs, now });

  /** Exponential backoff with jitter: half the delay fixed, half random, so retries of one outage spread out. */
  function backoff(attempts: number): number {
    const delay = Math.min(maxBackoffMs, baseBackoffMs * 2 ** Math.max(0, attempts - 1));
    return Math.ceil(delay / 2 + random() * (delay / 2));
  }

  /** Delivers one entry (or one combined group) and turns the result into an outcome per member. */
  async function attempt(members: { index: number; entry: OutboxEntry }[], entry: OutboxEntry, doc: ApplicationDoc) {
    try {
      await deps.deliver(entry, doc);
      return members.map(({ index, entry: e }): Outcome => ({ index, id: e.id, ok: true }));
    } catch (err) {
      const deferUntil = isDeferred(err) ? err.until : undefined;
      const error = isDeferred(err) ? err.reason : describeError(err);
      return members.map(({ index, entry: e }): Outcome => ({
        index,
        id: e.id,
        ok: false,
        error,
        permanent: !deferUntil && isPermanent(err),
        ...(deferUntil ? { deferUntil } : {}),
      }));
    }
  }

  async function deliverDue(doc: ApplicationDoc, lease: Lease): Promise<Outcome[]> {
    const at = now().getTime();
    const outcomes: Outcome[] = [];
    const handled = new Set<number>();
    const created = (e: OutboxEntry) => new Date(e.createdAt).getTime();
    for (let index = 0; index < doc.outbox.length; index++) {
      const entry = doc.outbox[index];
      if (handled.has(index) || entry.state !== 'pending' || new Date(entry.nextAt).getTime() > at) continue;
      if (!leases.holds(lease)) break; // the rest waits for the next round, under a fresh lease
      if (!combineWindowMs || !COMBINABLE.has(entry.template)) {
        outcomes.push(...(await attempt([{ index, entry }], entry, doc)));
        continue;
      }
      // The group: this change and every pending one of its kind created within the window after it.
      const closes = created(entry) + combineWindowMs;
      const members = doc.outbox
        .map((e, i) => ({ index: i, entry: e }))
        .filter(
          ({ index: i, entry: e }) =>
            !handled.has(i) &&
            e.state === 'pending' &&
            COMBINABLE.has(e.template) &&
            created(e) >= created(entry) &&
            created(e) < closes,
        );
      for (const m of members) handled.add(m.index);
      if (at < closes) {
        const deferUntil = new Date(closes);
        for (const m of members)
          if (new Date(m.entry.nextAt).getTime() !== closes)
            outcomes.push({
              index: m.index,
              id: m.entry.id,
              ok: false,
              error: 'waiting to combine item changes',
              permanent: false,
              deferUntil,
            });
        continue;
      }
      outcomes.push(...(await attempt(members, members.length === 1 ? entry : combinedEntry(members.map((m) => m.entry)), doc)));
    }
    return outcomes;
  }

  /**
   * Applies the outcomes to the application as it is now, as one versioned change (decided first on the read
   * the deliveries were made from: if anyone changed the application since, on the application as it is then).
   * Returns the application after the change.
   */
  async function record(first: Loaded<ApplicationDoc>, outcomes: Outcome[], result: RelayResult) {
    const { result: counted, doc: after } = await deps.applications.changeFrom(first, (doc) => {
      const counted: RelayResult = { delivered: 0, retried: 0, dead: 0 };
      if (!doc) return { result: counted };
      const at = now();
      const set: Record<string, unknown> = {};
      const entries: OutboxEntry[] = doc.outbox.map((e) => ({ ...e }));
      for (const outcome of outcomes) {
        // Append-only: the index is stable; the id check guards against a document that was replaced.
        const index = entries[outcome.index]?.id === outcome.id ? outcome.index : entries.findIndex((e) => e.id === outcome.id);
        const entry = entries[index];
        if (!entry || entry.state !== 'pending') continue; // another relay recorded it after a takeover
        const attempts = (entry.attempts ?? 0) + 1;
        const path = `outbox.${index}`;
        if (!outcome.ok && outcome.deferUntil) {
          // Waiting is not failing: no attempt is counted, and the reason shows in the operators' list.
          Object.assign(entry, { nextAt: outcome.deferUntil, lastError: outcome.error });
          set[`${path}.nextAt`] = outcome.deferUntil;
          set[`${path}.lastError`] = outcome.error;
          continue;
        }
        set[`${path}.attempts`] = attempts;
        if (outcome.ok) {
          Object.assign(entry, { state: 'done', doneAt: at });
          set[`${path}.state`] = 'done';
          set[`${path}.doneAt`] = at;
          counted.delivered++;
        } else if (outcome.permanent || attempts >= maxAttempts) {
          Object.assign(entry, { state: 'dead', lastError: outcome.error });
          set[`${path}.state`] = 'dead';
          set[`${path}.lastError`] = outcome.error;
          counted.dead++;
        } else {
          const nextAt = new Date(at.getTime() + backoff(attempts));
          Object.assign(entry, { nextAt, lastError: outcome.error });
          set[`${path}.nextAt`] = nextAt;
          set[`${path}.lastError`] = outcome.error;
          counted.retried++;
        }
      }
      const pending = entries.filter((e) => e.state === 'pending').map((e) => new Date(e.nextAt).getTime());
      const due = pending.length ? new Date(Math.min(...pending)) : null;
      const currentDue = doc.outboxDue ? new Date(doc.outboxDue).getTime() : null;
      if (!Object.keys(set).length && (due?.getTime() ?? null) === currentDue) return { result: counted };
      set.outboxDue = due;
      return { update: { $set: set }, result: counted };
    });
    result.delivered += counted.delivered;
    result.retried += counted.retried;
    result.dead += counted.dead;
    return after;
  }

  async function processApplication(applicationId: string, result: RelayResult): Promise<void> {
    const lease = await leases.acquire(applicationId);
    if (!lease) return;
    try {
      // Read after taking the lease: whatever an earlier holder recorded is seen, and not delivered again.
      const readAt = Date.now();
      const doc = await deps.applications.findById(applicationId);
      const after = doc ? await record({ doc, readAt }, await deliverDue(doc, lease), result) : null;
      // The queue mark follows what is still pending (or goes, when nothing is and it is old enough), as the
      // application is after the change just recorded.
      await deps.applications.settleOutboxDue(applicationId, after);
    } finally {
      await leases.release(lease);
    }
  }

  let running: Promise<RelayResult> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastSweep = 0;

  async function runOnce(): Promise<RelayResult> {
    const result: RelayResult = { delivered: 0, retried: 0, dead: 0 };
    if (now().getTime() - lastSweep >= leaseMs) {
      lastSweep = now().getTime();
      await leases.sweepTakeovers();
    }
    // Relays polling together see the same list: each starts at a random place, so they mostly meet free leases.
    const ids = await deps.applications.findOutboxDue(now(), batchSize);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          await processApplication(id, result);
        } catch (err) {
          // One application's trouble (a database hiccup) must not stop the others; it is due again next round.
          deps.logger?.warn({ applicationId: id, err: { message: describeError(err) } }, 'outbox relay: application skipped');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
    return result;
  }

  return {
    workerId,
    runOnce,

    /** Polls every `intervalMs`; a round still running when the next is due makes that one skip. */
    start(intervalMs: number): void {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .then((r) => {
            if (r.delivered || r.retried || r.dead) deps.logger?.info(r, 'outbox relayed');
            return r;
          })
          .catch((err: unknown) => {
            deps.logger?.warn({ err: { message: describeError(err) } }, 'outbox relay round failed');
            return { delivered: 0, retried: 0, dead: 0 };
          })
          .finally(() => {
            running = null;
          });
      }, intervalMs);
      timer.unref();
    },

    /** Stops polling and waits for a round in progress, so shutdown does not cut a delivery in half. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
