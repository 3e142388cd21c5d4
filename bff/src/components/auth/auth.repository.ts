import { randomUUID } from 'node:crypto';
import { Schema, trusted, type Connection } from 'mongoose';
import { isDuplicateKeyError } from '../../libraries/mongo';

/** What the identity provider verified at the last login, each value sealed (AES-GCM) for this parent. */
type SealedIdentity = { source: 'zheliban' | 'dev'; name?: string; phone?: string; at: Date };
type ParentDoc = { _id: string; subjectIndex: string; platform: string; createdAt: Date; identity?: SealedIdentity };
type RefreshDoc = {
  _id: string; // token id, the public half of the refresh token
  secretHash: string;
  parentId: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

const parentSchema = new Schema<ParentDoc>(
  {
    _id: String,
    // blind index of platform + platform user id: the raw openid / user id is never stored
    subjectIndex: { type: String, required: true, unique: true },
    platform: { type: String, required: true },
    createdAt: { type: Date, required: true },
    identity: { type: Schema.Types.Mixed, required: false },
  },
  { versionKey: false },
);

const refreshSchema = new Schema<RefreshDoc>(
  {
    _id: String,
    secretHash: { type: String, required: true },
    parentId: { type: String, required: true, index: true },
    familyId: { type: String, required: true, index: true },
    expiresAt: { type: Date, required: true, index: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function createAuthRepository(connection: Connection) {
  const Parent = connection.model<ParentDoc>('Parent', parentSchema, 'parents');
  const Refresh = connection.model<RefreshDoc>('RefreshToken', refreshSchema, 'refresh_tokens');
  const Rotation = connection.model<{ _id: string; at: Date }>(
    'RefreshRotation',
    new Schema<{ _id: string; at: Date }>({ _id: String, at: { type: Date, required: true } }, { versionKey: false }),
    'refresh_rotations',
  );

  return {
    /** The parent for this platform identity, created on first login; safe under concurrent logins. */
    /**
     * With `identity`, the verified identity of this login replaces the one on file (the platform's answer
     * is the latest truth; two racing logins of the same person write the same values).
     */
    async findOrCreateParent(subjectIndex: string, platform: string, now: Date, identity?: SealedIdentity): Promise<ParentDoc> {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const doc = await Parent.findOneAndUpdate(
            { subjectIndex },
            {
              $setOnInsert: { _id: randomUUID(), subjectIndex, platform, createdAt: now },
              ...(identity ? { $set: { identity } } : {}),
            },
            { upsert: true, returnDocument: 'after', lean: true },
          );
          if (doc) return doc as ParentDoc;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err; // two first logins raced: the other one created it
        }
      }
      throw new Error('could not create parent');
    },

    async findParent(id: string): Promise<ParentDoc | null> {
      return (await Parent.findById(id).lean()) as ParentDoc | null;
    },

    async insertRefresh(doc: RefreshDoc): Promise<void> {
      await Refresh.create(doc);
    },

    /**
     * Marks a refresh token used, once. Single use rests on a unique insert, not a conditional update:
     * FerretDB applies conditional updates without isolation, so two racing refreshes could both pass.
     */
    async useRefresh(id: string, now: Date): Promise<RefreshDoc | null> {
      const doc = await Refresh.findById(id).lean<RefreshDoc>();
      if (!doc || doc.usedAt || doc.revokedAt || doc.expiresAt <= now) return null;
      try {
        await Rotation.create({ _id: id, at: now });
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
      await Refresh.updateOne({ _id: id }, { $set: { usedAt: now } });
      return doc;
    },

    async findRefresh(id: string): Promise<RefreshDoc | null> {
      return (await Refresh.findById(id).lean()) as RefreshDoc | null;
    },

    async revokeFamily(familyId: string, now: Date): Promise<void> {
      await Refresh.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
    },

    async deleteExpiredRefresh(now: Date): Promise<number> {
      return (await Refresh.deleteMany({ expiresAt: trusted({ $lt: now }) })).deletedCount;
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
export type { RefreshDoc, SealedIdentity };
