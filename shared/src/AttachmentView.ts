import { z } from 'zod';
import { ATTACHMENT_KINDS } from './attachment-kinds';
import { PARENT_ROLES } from './Attachment';
import { FieldError } from './Problem';

const instant = z.iso.datetime();

/** A stored photo: always a watermarked JPEG without metadata; the bytes are read through their own URL. */
export const AttachmentView = z
  .object({
    id: z.string(),
    kind: z.enum(ATTACHMENT_KINDS),
    kindLabel: z.string(),
    contentType: z.literal('image/jpeg'),
    bytes: z.number().int(),
    thumbBytes: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    sha256: z.string(),
    uploadedAt: instant,
  })
  .meta({ id: 'Attachment' });
export type AttachmentView = z.infer<typeof AttachmentView>;

/** A parent's electronic ID licence (电子身份证照) chosen instead of ID photos; the code is masked. */
export const LicenceView = z
  .object({
    role: z.enum(PARENT_ROLES),
    source: z.literal('shared_licence'),
    licenceCode: z.string(),
    issuer: z.string(),
    validUntil: z.string(),
    chosenAt: instant,
  })
  .meta({ id: 'Licence' });
export type LicenceView = z.infer<typeof LicenceView>;

/** `GET /applications/:id/attachments`: photos, licence choices, what submit requires and what is still missing. */
export const AttachmentList = z
  .object({
    attachments: z.array(AttachmentView),
    /** `matchesForm`: the licence belongs to the name and ID number now in the form. */
    licences: z.array(LicenceView.extend({ matchesForm: z.boolean() })),
    required: z.array(z.enum(ATTACHMENT_KINDS)),
    /** Every photo (or licence) still missing, as submit would list it. */
    missing: z.array(FieldError),
  })
  .meta({ id: 'AttachmentList' });
export type AttachmentList = z.infer<typeof AttachmentList>;

/** The photos and licences a department's task shows (bytes through the task's attachment URL). */
export const TaskAttachments = z.strictObject({
  attachments: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(ATTACHMENT_KINDS),
      kindLabel: z.string(),
      bytes: z.number().int(),
      width: z.number().int(),
      height: z.number().int(),
    }),
  ),
  licences: z.array(LicenceView),
});
