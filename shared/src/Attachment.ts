import { z } from 'zod';
import { ITEM_CATALOGUE, type ItemKey } from './items';
import { ATTACHMENT_KINDS, type AttachmentKind } from './attachment-kinds';
import type { FieldError } from './Problem';

export { ATTACHMENT_KINDS, type AttachmentKind } from './attachment-kinds';

/** What each kind is, in the words a parent reads. */
export const ATTACHMENT_KIND_LABELS: Readonly<Record<AttachmentKind, string>> = {
  mother_id_front: '母亲身份证人像面',
  mother_id_back: '母亲身份证国徽面',
  father_id_front: '父亲身份证人像面',
  father_id_back: '父亲身份证国徽面',
  household_booklet: '户口簿户主页或本人页',
  marriage_certificate: '结婚证内页',
};

/** The multipart `kind` field of an upload. */
export const AttachmentKindInput = z.enum(ATTACHMENT_KINDS, {
  error: `照片类型 kind 应为以下之一：${ATTACHMENT_KINDS.join('、')}。`,
});

export const PARENT_ROLES = ['mother', 'father'] as const;
export type ParentRole = (typeof PARENT_ROLES)[number];
export const ParentRoleInput = z.enum(PARENT_ROLES, { error: '请指明是母亲（mother）还是父亲（father）。' });

/** The two ID photo kinds a parent's shared electronic ID licence (电子身份证照) stands in for. */
export const ID_KINDS_OF: Readonly<Record<ParentRole, readonly [AttachmentKind, AttachmentKind]>> = {
  mother: ['mother_id_front', 'mother_id_back'],
  father: ['father_id_front', 'father_id_back'],
};

/** True for the four ID card kinds (front and back of each parent's card). */
export function isIdCardKind(kind: AttachmentKind): boolean {
  return kind.endsWith('_id_front') || kind.endsWith('_id_back');
}

/** Upload limits, shared so the app can refuse early and say the same thing. */
export const ATTACHMENT_LIMITS = {
  /** Largest file accepted, in bytes (10 MB). */
  maxBytes: 10 * 1024 * 1024,
  /** Largest image accepted, in pixels (40 MP): above that is a decompression bomb, not a phone photo. */
  maxPixels: 40_000_000,
  /** Content types accepted, decided by the bytes, never by the declared type. */
  formats: ['jpeg', 'png', 'webp'] as const,
};

/**
 * The kinds an application needs before it can be submitted: the union of its items' kinds
 * (ITEM_CATALOGUE[*].attachments), except that the marriage certificate is needed only when the parents
 * give its number instead of letting the civil affairs department share the record, the household
 * booklet page is welcome but never required (the police hold the register), and a parent who uses the
 * shared electronic licence needs no ID photos.
 */
export function requiredAttachmentKinds(
  input: { items?: readonly ItemKey[]; marriage?: { mode?: string } },
  licences: Partial<Record<ParentRole, boolean>> = {},
): AttachmentKind[] {
  const wanted = new Set<AttachmentKind>();
  for (const item of input.items ?? []) for (const kind of ITEM_CATALOGUE[item].attachments) wanted.add(kind);
  wanted.delete('household_booklet');
  if (input.marriage?.mode !== 'number') wanted.delete('marriage_certificate');
  for (const role of PARENT_ROLES) if (licences[role]) for (const kind of ID_KINDS_OF[role]) wanted.delete(kind);
  return ATTACHMENT_KINDS.filter((kind) => wanted.has(kind));
}

/** One error per missing photo (`attachments.<kind>`), every one at once, in Chinese. */
export function missingAttachmentErrors(missing: readonly AttachmentKind[]): FieldError[] {
  return missing.map((kind) => ({
    path: `attachments.${kind}`,
    message: isIdCardKind(kind)
      ? `请上传${ATTACHMENT_KIND_LABELS[kind]}照片，或选择使用电子身份证照。`
      : `请上传${ATTACHMENT_KIND_LABELS[kind]}照片。`,
  }));
}
