import { Schema } from 'mongoose';
import type { AttachmentKind, ParentRole } from '@birth/shared';
import type { QualityMeasures } from './photo.quality';

/**
 * One stored photo's metadata. `_id` is `<applicationId>:<kind>`, so uploading the same kind again
 * replaces the record; `attachmentId` is new for every upload, so a link to a replaced photo stops
 * working. The bytes live encrypted in the photo store under `<attachmentId>.full` / `.thumb`.
 */
export type AttachmentDoc = {
  _id: string;
  attachmentId: string;
  applicationId: string;
  ownerId: string;
  kind: AttachmentKind;
  contentType: 'image/jpeg';
  bytes: number;
  thumbBytes: number;
  width: number;
  height: number;
  /** SHA-256 of the stored (watermarked) JPEG, checked when it is read back. */
  sha256: string;
  /** SHA-256 of the file as uploaded (what a retried upload is recognised by). */
  sourceSha256: string;
  sourceFormat: 'jpeg' | 'png' | 'webp';
  measures: QualityMeasures;
  uploadedAt: Date;
};

export const attachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: String,
    attachmentId: { type: String, required: true, unique: true },
    applicationId: { type: String, required: true, index: true },
    ownerId: { type: String, required: true },
    kind: { type: String, required: true },
    contentType: { type: String, required: true },
    bytes: { type: Number, required: true },
    thumbBytes: { type: Number, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    sha256: { type: String, required: true },
    sourceSha256: { type: String, required: true },
    sourceFormat: { type: String, required: true },
    measures: { type: Schema.Types.Mixed, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/**
 * A parent's choice to use the shared electronic ID licence instead of photos. `_id` is
 * `<applicationId>:<role>`. The licence (with its holder's ID number) is sealed; `idNumberIndex` is the
 * blind index of that number, so submit can tell whether it still matches the form.
 */
export type LicenceChoiceDoc = {
  _id: string;
  applicationId: string;
  ownerId: string;
  role: ParentRole;
  licence: string;
  idNumberIndex: string;
  chosenAt: Date;
};

export const licenceChoiceSchema = new Schema<LicenceChoiceDoc>(
  {
    _id: String,
    applicationId: { type: String, required: true, index: true },
    ownerId: { type: String, required: true },
    role: { type: String, required: true },
    licence: { type: String, required: true },
    idNumberIndex: { type: String, required: true },
    chosenAt: { type: Date, required: true },
  },
  { versionKey: false },
);
