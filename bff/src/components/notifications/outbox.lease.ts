import { trusted, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../../libraries/mongo';
import { leaseModel, takeoverModel, type LeaseDoc } from './notification.model';

export type Lease = { applicationId: string; owner: string; until: Date };

/**
 * Per-application leases that hold on FerretDB 1.24, where conditional updates and deletes are unisolated
 * read-modify-writes and only unique-key inserts are atomic:
 * - taking a free lease is inserting `{ _id: applicationId }`: a duplicate key means someone holds it;
 * - an expired lease is taken over by first inserting a takeover marker named after that exact lease
 *   (application, owner, until), so only one relay goes on to delete it and insert its own; a relay that
 *   then still meets a duplicate has lost;
 * - a holder releases only while its lease is safely unexpired, so its delete never races a takeover.
 */
export function createLeases(options: { connection: Connection; owner: string; leaseMs: number; now: () => Date }) {
  const Lease = leaseModel(options.connection);
  const Takeover = takeoverModel(options.connection);
  const { owner, leaseMs, now } = options;
  /** Margin kept before `until`: clocks of different workers and slow writes must not meet at the edge. */
  const margin = Math.min(Math.floor(leaseMs / 4), 5000);

  async function insert(applicationId: string): Promise<Lease | null> {
    const lease: Lease = { applicationId, owner, until: new Date(now().getTime() + leaseMs) };
    try {
      await Lease.create({ _id: applicationId, owner, until: lease.until });
      return lease;
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
  }

  return {
    /** The lease on one application's outbox, or null when another relay holds it. */
    async acquire(applicationId: string): Promise<Lease | null> {
      const fresh = await insert(applicationId);
      if (fresh) return fresh;
      const current = await Lease.findById(applicationId).lean<LeaseDoc>();
      if (!current) return insert(applicationId); // released in between: one more try, a duplicate is a loss
      if (new Date(current.until).getTime() > now().getTime()) return null;

      const markerId = `${applicationId}|${current.owner}|${new Date(current.until).getTime()}`;
      try {
        await Takeover.create({ _id: markerId, createdAt: now() });
      } catch (err) {
        if (isDuplicateKeyError(err)) return null; // another relay is taking this one over
        throw err;
      }
      await Lease.deleteOne({ _id: applicationId, owner: current.owner, until: current.until });
      const taken = await insert(applicationId);
      await Takeover.deleteOne({ _id: markerId });
      return taken;
    },

    /** True while the lease has time left for more work (deliveries stop before it runs out). */
    holds(lease: Lease): boolean {
      return now().getTime() < lease.until.getTime() - margin;
    },

    /**
     * Gives the lease back. Past its margin it is left to expire instead: another relay may be taking it
     * over, and this (unisolated) delete must not remove that relay's new lease.
     */
    async release(lease: Lease): Promise<void> {
      if (now().getTime() >= lease.until.getTime() - margin) return;
      await Lease.deleteOne({ _id: lease.applicationId, owner: lease.owner, until: lease.until });
    },

    /** Markers left by a relay that died mid-takeover would block that lease forever: they expire too. */
    async sweepTakeovers(): Promise<void> {
      await Takeover.deleteMany({ createdAt: trusted({ $lt: new Date(now().getTime() - 10 * leaseMs) }) });
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
