// Where photo bytes live: behind a small interface, GridFS by default (mongoose's mongo.GridFSBucket,
// measured working on FerretDB 1.24), an S3-compatible store later. Bytes are sealed before they leave
// the process (AES-256-GCM through the field crypto library, the object id bound as AAD so an object
// copied under another id does not open) and opened only when read.
import { mongo, type Connection } from 'mongoose';
import type { FieldCrypto } from '../../libraries/crypto';

export interface PhotoStore {
  put(objectId: string, plain: Buffer, meta: { attachmentId: string; applicationId: string }): Promise<void>;
  /** The opened bytes, or null when there is no such object. */
  get(objectId: string): Promise<Buffer | null>;
  /** Deletes the objects; missing ones are fine. */
  remove(objectIds: readonly string[]): Promise<void>;
  /** Objects stored before `before`, with the attachment they belong to (for the orphan sweep). */
  listBefore(before: Date, limit: number): Promise<{ objectId: string; attachmentId: string }[]>;
}

const CONTEXT = (objectId: string) => `photo:${objectId}`;

/** Sealed value `v1.<iv>.<tag>.<ct>` (base64url parts) ↔ compact binary `iv | tag | ct`. */
function toBinary(sealed: string): Buffer {
  const [, iv, tag, ct] = sealed.split('.');
  return Buffer.concat([Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), Buffer.from(ct, 'base64url')]);
}
function fromBinary(bin: Buffer): string {
  return ['v1', bin.subarray(0, 12), bin.subarray(12, 28), bin.subarray(28)]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function createGridFsPhotoStore(connection: Connection, crypto: FieldCrypto, bucketName = 'photo_objects'): PhotoStore {
  const bucket = () => new mongo.GridFSBucket(connection.db!, { bucketName, chunkSizeBytes: 255 * 1024 });
  const files = () =>
    connection.db!.collection<{ _id: string; uploadDate: Date; metadata?: { attachmentId?: string } }>(`${bucketName}.files`);

  return {
    async put(objectId, plain, meta) {
      const sealed = toBinary(crypto.seal(plain, CONTEXT(objectId)));
      await new Promise<void>((resolve, reject) => {
        const upload = bucket().openUploadStreamWithId(objectId as never, objectId, { metadata: meta });
        upload.once('finish', () => resolve());
        upload.once('error', reject);
        upload.end(sealed);
      });
    },

    async get(objectId) {
      const found = await files().findOne({ _id: objectId }, { projection: { _id: 1 } });
      if (!found) return null;
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        bucket()
          .openDownloadStream(objectId as never)
          .on('data', (c: Buffer) => chunks.push(c))
          .once('end', () => resolve())
          .once('error', reject);
      });
      return crypto.openBuffer(fromBinary(Buffer.concat(chunks)), CONTEXT(objectId));
    },

    async remove(objectIds) {
      for (const id of objectIds) {
        try {
          await bucket().delete(id as never);
        } catch (err) {
          // GridFS says "File not found" for an object already gone: the goal is reached.
          if (!/not found/i.test(String((err as Error).message))) throw err;
        }
      }
    },

    async listBefore(before, limit) {
      const docs = await files()
        .find({ uploadDate: { $lt: before } }, { projection: { _id: 1, metadata: 1 } })
        .limit(limit)
        .toArray();
      return docs.map((d) => ({ objectId: d._id, attachmentId: d.metadata?.attachmentId ?? '' }));
    },
  };
}
