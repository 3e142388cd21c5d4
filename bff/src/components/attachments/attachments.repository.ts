import { trusted, type Connection, type Model } from 'mongoose';
import { idChunks } from '../../libraries/mongo';
import { ATTACHMENT_KINDS, PARENT_ROLES, type ParentRole } from '@birth/shared';
import { attachmentSchema, licenceChoiceSchema, type AttachmentDoc, type LicenceChoiceDoc } from './attachment.model';

/**
 * Photo metadata and licence choices. Neither is part of the application document: no versioned write.
 * Both are keyed `<applicationId>:<kind>` / `<applicationId>:<role>`, so an application's records are read
 * by `_id` (one `_id` set read for a page of applications), never by a filter that FerretDB would answer with a scan.
 */
export function createAttachmentsRepository(connection: Connection) {
  const Attachment = connection.model<AttachmentDoc>('Attachment', attachmentSchema, 'attachments');
  const LicenceChoice = connection.model<LicenceChoiceDoc>('LicenceChoice', licenceChoiceSchema, 'licence_choices');

  /** The records under these keys, in the keys' order: one `_id` set read (a few for a long list). */
  async function byKeys<T extends { _id: string }>(model: Model<T>, keys: readonly string[]): Promise<T[]> {
    const found = new Map<string, T>();
    for (const chunk of idChunks(keys))
      for (const doc of await model.find({ _id: trusted({ $in: chunk }) } as never).lean<T[]>()) found.set(doc._id, doc);
    return keys.flatMap((key) => found.get(key) ?? []);
  }
  const photosOf = (applicationIds: readonly string[]) =>
    byKeys(
      Attachment,
      applicationIds.flatMap((id) => ATTACHMENT_KINDS.map((kind) => `${id}:${kind}`)),
    );
  const licencesOf = (applicationIds: readonly string[]) =>
    byKeys(
      LicenceChoice,
      applicationIds.flatMap((id) => PARENT_ROLES.map((role) => `${id}:${role}`)),
    );

  return {
    /** Stores the record for its kind and returns the one it replaced, if any. */
    async replace(doc: AttachmentDoc): Promise<AttachmentDoc | null> {
      return Attachment.findOneAndReplace({ _id: doc._id }, doc, {
        upsert: true,
        returnDocument: 'before',
      }).lean<AttachmentDoc>();
    },

    listForApplication: (applicationId: string): Promise<AttachmentDoc[]> => photosOf([applicationId]),

    listForApplications: (applicationIds: readonly string[]): Promise<AttachmentDoc[]> => photosOf(applicationIds),

    async findByAttachmentId(applicationId: string, attachmentId: string): Promise<AttachmentDoc | null> {
      return (await photosOf([applicationId])).find((d) => d.attachmentId === attachmentId) ?? null;
    },

    /** Deletes the record only if it still points at this upload (a newer upload of the kind stays). */
    async removeIfCurrent(doc: Pick<AttachmentDoc, '_id' | 'attachmentId'>): Promise<boolean> {
      return (await Attachment.deleteOne({ _id: doc._id, attachmentId: doc.attachmentId })).deletedCount === 1;
    },

    async attachmentIdsIn(ids: readonly string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const docs = await Attachment.find({ attachmentId: trusted({ $in: [...ids] }) }, { attachmentId: 1 }).lean<
        { attachmentId: string }[]
      >();
      return new Set(docs.map((d) => d.attachmentId));
    },

    async saveLicence(doc: LicenceChoiceDoc): Promise<void> {
      await LicenceChoice.replaceOne({ _id: doc._id }, doc, { upsert: true });
    },

    listLicences: (applicationId: string): Promise<LicenceChoiceDoc[]> => licencesOf([applicationId]),

    listLicencesFor: (applicationIds: readonly string[]): Promise<LicenceChoiceDoc[]> => licencesOf(applicationIds),

    async removeLicence(applicationId: string, role: ParentRole): Promise<boolean> {
      return (await LicenceChoice.deleteOne({ _id: `${applicationId}:${role}` })).deletedCount === 1;
    },

    /** Every record of the application: its photos' metadata (returned, so the bytes can go too) and licence choices. */
    async removeAllFor(applicationId: string): Promise<AttachmentDoc[]> {
      const docs = await Attachment.find({ applicationId }).lean<AttachmentDoc[]>();
      await Attachment.deleteMany({ applicationId });
      await LicenceChoice.deleteMany({ applicationId });
      return docs;
    },

    /** Application ids that have photos or licence choices (for the sweeper). */
    async applicationIds(): Promise<string[]> {
      const [a, l] = await Promise.all([
        Attachment.aggregate<{ _id: string }>([{ $group: { _id: '$applicationId' } }]),
        LicenceChoice.aggregate<{ _id: string }>([{ $group: { _id: '$applicationId' } }]),
      ]);
      return [...new Set([...a, ...l].map((d) => d._id))];
    },
  };
}

export type AttachmentsRepository = ReturnType<typeof createAttachmentsRepository>;
