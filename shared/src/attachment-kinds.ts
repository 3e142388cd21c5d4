// Kept apart from Attachment.ts so that items.ts can name the kinds each item needs without the two
// modules importing each other at run time.

/** The photos a parent can upload: both parents' ID cards, front and back, the household booklet page and the marriage certificate. */
export const ATTACHMENT_KINDS = [
  'mother_id_front',
  'mother_id_back',
  'father_id_front',
  'father_id_back',
  'household_booklet',
  'marriage_certificate',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
