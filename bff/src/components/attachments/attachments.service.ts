import { createHash, randomUUID } from 'node:crypto';
import {
  ATTACHMENT_KINDS,
  ATTACHMENT_KIND_LABELS,
  ID_KINDS_OF,
  ITEM_CATALOGUE,
  isItemKey,
  missingAttachmentErrors,
  requiredAttachmentKinds,
  toChinaDateString,
  type AttachmentKind,
  type ItemKey,
  type ParentRole,
} from '@birth/shared';
import type { Principal } from '../../libraries/auth';
import type { FieldCrypto } from '../../libraries/crypto';
import { AppError, notFound, type FieldError } from '../../libraries/errors';
import { isProviderError } from '../../providers/provider-error';
import type { IdLicence, LicenceProvider } from '../../providers/licence';
import type { ApplicationDoc, ItemRecord } from '../applications/application.model';
import { openData } from '../applications/application.data';
import type { ApplicationsRepository } from '../applications/applications.repository';
import type { AttachmentDoc, LicenceChoiceDoc } from './attachment.model';
import type { AttachmentsRepository } from './attachments.repository';
import type { PhotoPipeline } from './photo.pipeline';
import type { PhotoStore } from './photo.store';

type Obj = Record<string, unknown>;

export type AttachmentsDeps = {
  repo: AttachmentsRepository;
  applications: ApplicationsRepository;
  store: PhotoStore;
  pipeline: PhotoPipeline;
  crypto: FieldCrypto;
  licence: LicenceProvider | null;
  photoRetentionDays: number;
  now: () => Date;
};

const ROLE_LABEL: Record<ParentRole, string> = { mother: '母亲', father: '父亲' };
const objectIds = (attachmentId: string) => [`${attachmentId}.full`, `${attachmentId}.thumb`];
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Photos whose upload never got a metadata record (a crash, a lost race) are removed after this. */
const ORPHAN_AFTER_MS = 15 * 60_000;

/** The application field a rejection reason points at, when it is a photo (`attachments.<kind>`). */
export function rejectedKinds(item: ItemRecord | undefined): AttachmentKind[] {
  const kinds = (item?.rejection?.reasons ?? [])
    .map((r) => /^attachments\.([a-z_]+)$/.exec(r.field ?? '')?.[1])
    .filter((k): k is AttachmentKind => (ATTACHMENT_KINDS as readonly string[]).includes(k ?? ''));
  return [...new Set(kinds)];
}

export function createAttachmentsService(deps: AttachmentsDeps) {
  const { repo, store, crypto } = deps;

  function view(doc: AttachmentDoc) {
    return {
      id: doc.attachmentId,
      kind: doc.kind,
      kindLabel: ATTACHMENT_KIND_LABELS[doc.kind],
      contentType: doc.contentType,
      bytes: doc.bytes,
      thumbBytes: doc.thumbBytes,
      width: doc.width,
      height: doc.height,
      sha256: doc.sha256,
      uploadedAt: new Date(doc.uploadedAt).toISOString(),
    };
  }

  function openLicence(doc: LicenceChoiceDoc): IdLicence {
    return JSON.parse(crypto.open(doc.licence, `licence:${doc._id}`)) as IdLicence;
  }

  function licenceView(doc: LicenceChoiceDoc, full: boolean) {
    const l = openLicence(doc);
    return {
      role: doc.role,
      source: 'shared_licence' as const,
      licenceCode: full ? l.licenceCode : maskCode(l.licenceCode),
      issuer: l.issuer,
      validUntil: l.validUntil,
      chosenAt: new Date(doc.chosenAt).toISOString(),
    };
  }

  async function getOwned(ownerId: string, id: string): Promise<ApplicationDoc> {
    const doc = await deps.applications.findOwned(id, ownerId);
    if (!doc || doc.status === 'withdrawn') throw notFound('该申请');
    return doc;
  }

  /** A draft takes any photo; a submitted application only the ones a rejection asks to replace. */
  function assertCanChange(doc: ApplicationDoc, kind: AttachmentKind): void {
    if (doc.status === 'draft') return;
    const asked = Object.values(doc.items).some((item) => item?.state === 'rejected' && rejectedKinds(item).includes(kind));
    if (!asked)
      throw new AppError(
        'CONFLICT',
        `申请已提交，${ATTACHMENT_KIND_LABELS[kind]}照片不能再更换；如部门退回并要求重新上传，请按退回原因操作。`,
      );
  }

  /** Which licences are in use and still match the ID numbers in the form. */
  function validLicences(data: Obj, licences: LicenceChoiceDoc[]): Partial<Record<ParentRole, boolean>> {
    const out: Partial<Record<ParentRole, boolean>> = {};
    for (const doc of licences) {
      const idNumber = (data[doc.role] as Obj | undefined)?.idNumber;
      out[doc.role] =
        typeof idNumber === 'string' && crypto.blindIndex(idNumber.toUpperCase(), 'licence.idNumber') === doc.idNumberIndex;
    }
    return out;
  }

  /** Missing photos for `data` (the opened form), every one at once; a licence that no longer matches is named as such. */
  async function missingFor(applicationId: string, data: Obj): Promise<FieldError[]> {
    const [photos, licences] = await Promise.all([repo.listForApplication(applicationId), repo.listLicences(applicationId)]);
    const valid = validLicences(data, licences);
    const have = new Set(photos.map((p) => p.kind));
    const missing = requiredAttachmentKinds(data as never, valid).filter((kind) => !have.has(kind));
    const errors = missingAttachmentErrors(missing);
    for (const doc of licences) {
      if (valid[doc.role]) continue;
      const [front] = ID_KINDS_OF[doc.role];
      const at = errors.findIndex((e) => e.path === `attachments.${front}`);
      const message = `${ROLE_LABEL[doc.role]}的电子身份证照与填写的身份证号码不一致，请重新选择使用电子身份证照，或上传身份证照片。`;
      if (at >= 0) errors[at] = { path: `licences.${doc.role}`, message };
    }
    return errors;
  }

  async function removeObjects(docs: AttachmentDoc[]) {
    await store.remove(docs.flatMap((d) => objectIds(d.attachmentId)));
  }

  async function audit(principal: Principal, applicationId: string, action: string, fields: string[], itemKey?: ItemKey) {
    await deps.applications.audit({
      at: deps.now(),
      actor: principal.sub,
      role: principal.role,
      ...(principal.department ? { department: principal.department } : {}),
      action,
      applicationId,
      ...(itemKey ? { itemKey } : {}),
      fields,
    });
  }

  return {
    view,
    /** The photo pipeline's gate (images in flight, queued, peak), for tests and metrics. */
    photoGate: deps.pipeline.gate,

    /**
     * Checks, converts, encrypts and stores one photo; the same kind uploaded again replaces the old one.
     * The bytes are stored first and the record after, so a reader never sees a half-written photo; the
     * replaced photo's bytes go once the new record is in.
     */
    async upload(ownerId: string, applicationId: string, kind: AttachmentKind, file: Buffer) {
      assertCanChange(await getOwned(ownerId, applicationId), kind);
      const photo = await deps.pipeline.process(file, kind);
      const attachmentId = randomUUID();
      const now = deps.now();
      const doc: AttachmentDoc = {
        _id: `${applicationId}:${kind}`,
        attachmentId,
        applicationId,
        ownerId,
        kind,
        contentType: 'image/jpeg',
        bytes: photo.full.length,
        thumbBytes: photo.thumb.length,
        width: photo.width,
        height: photo.height,
        sha256: sha256(photo.full),
        sourceSha256: sha256(file),
        sourceFormat: photo.sourceFormat,
        measures: photo.measures,
        uploadedAt: now,
      };
      const [fullId, thumbId] = objectIds(attachmentId);
      const meta = { attachmentId, applicationId };
      await store.put(fullId, photo.full, meta);
      await store.put(thumbId, photo.thumb, meta);
      // The application may have been withdrawn while the photo was processed: then nothing stays.
      const still = await deps.applications.findOwned(applicationId, ownerId);
      if (!still || still.status === 'withdrawn') {
        await store.remove(objectIds(attachmentId));
        throw notFound('该申请');
      }
      const replaced = await repo.replace(doc);
      if (replaced && replaced.attachmentId !== attachmentId) await removeObjects([replaced]);
      return view(doc);
    },

    /** The photos and licence choices of an application, what submit still needs, every one at once. */
    async list(ownerId: string, applicationId: string) {
      const app = await getOwned(ownerId, applicationId);
      const data = openData(app.data, crypto);
      const [photos, licences] = await Promise.all([repo.listForApplication(applicationId), repo.listLicences(applicationId)]);
      const valid = validLicences(data, licences);
      return {
        attachments: ATTACHMENT_KINDS.flatMap((k) => photos.filter((p) => p.kind === k).map(view)),
        licences: licences.map((l) => ({ ...licenceView(l, false), matchesForm: !!valid[l.role] })),
        required: requiredAttachmentKinds(data as never, valid),
        missing: await missingFor(applicationId, data),
      };
    },

    /** The owner's view of one photo (thumbnail unless `full`); audited like every access. */
    async read(principal: Principal, applicationId: string, attachmentId: string, full: boolean) {
      await getOwned(principal.sub, applicationId);
      const doc = await repo.findByAttachmentId(applicationId, attachmentId);
      if (!doc || doc.ownerId !== principal.sub) throw notFound('该照片');
      const bytes = await store.get(objectIds(attachmentId)[full ? 0 : 1]);
      if (!bytes) throw notFound('该照片');
      await audit(principal, applicationId, full ? 'attachment.read_full' : 'attachment.read_thumb', [`attachments.${doc.kind}`]);
      return { bytes, doc };
    },

    async remove(ownerId: string, applicationId: string, attachmentId: string) {
      const app = await getOwned(ownerId, applicationId);
      const doc = await repo.findByAttachmentId(applicationId, attachmentId);
      if (!doc || doc.ownerId !== ownerId) throw notFound('该照片');
      if (app.status !== 'draft')
        throw new AppError('CONFLICT', '申请已提交，照片不能删除；如需更换，请按部门的退回原因重新上传。');
      if (await repo.removeIfCurrent(doc)) await removeObjects([doc]);
    },

    /** Uses the parent's electronic ID licence from the shared library instead of photos of the card. */
    async useLicence(ownerId: string, applicationId: string, role: ParentRole) {
      const app = await getOwned(ownerId, applicationId);
      if (app.status !== 'draft') throw new AppError('CONFLICT', '申请已提交，不能再更改身份证材料的提供方式。');
      if (!deps.licence)
        throw new AppError('DEPENDENCY_UNAVAILABLE', '电子证照服务暂未开通，请上传身份证正反面照片。', {
          headers: { 'Retry-After': '3600' },
        });
      const parent = openData(app.data, crypto)[role] as Obj | undefined;
      const name = typeof parent?.name === 'string' ? parent.name : undefined;
      const idNumber = typeof parent?.idNumber === 'string' ? parent.idNumber.toUpperCase() : undefined;
      const errors: FieldError[] = [];
      if (!name) errors.push({ path: `${role}.name`, message: `请先在申请表中填写${ROLE_LABEL[role]}的姓名。` });
      if (!idNumber) errors.push({ path: `${role}.idNumber`, message: `请先在申请表中填写${ROLE_LABEL[role]}的身份证号码。` });
      if (errors.length)
        throw new AppError('VALIDATION_FAILED', `查询电子身份证照需要${ROLE_LABEL[role]}的姓名和身份证号码`, { errors });
      let licence: IdLicence | null;
      try {
        licence = await deps.licence.findIdLicence({ name: name!, idNumber: idNumber! });
      } catch (err) {
        // Whatever the library's trouble, the parent can go on with photos; operators see the code in the log.
        if (isProviderError(err))
          throw new AppError('DEPENDENCY_UNAVAILABLE', '电子证照库暂时无法访问，请稍后再试，或上传身份证正反面照片。', {
            headers: { 'Retry-After': err.retryable ? '30' : '3600' },
            provider: err.provider,
            providerCode: err.providerCode,
          });
        throw err;
      }
      if (!licence || licence.idNumber.toUpperCase() !== idNumber || licence.holderName !== name)
        throw new AppError(
          'LICENCE_NOT_FOUND',
          `电子证照库中没有找到与${ROLE_LABEL[role]}姓名、身份证号码一致的电子身份证照。请核对填写的信息，或上传身份证正反面照片。`,
        );
      const _id = `${applicationId}:${role}`;
      const doc: LicenceChoiceDoc = {
        _id,
        applicationId,
        ownerId,
        role,
        licence: crypto.seal(JSON.stringify(licence), `licence:${_id}`),
        idNumberIndex: crypto.blindIndex(idNumber!, 'licence.idNumber'),
        chosenAt: deps.now(),
      };
      await repo.saveLicence(doc);
      return licenceView(doc, false);
    },

    async dropLicence(ownerId: string, applicationId: string, role: ParentRole) {
      const app = await getOwned(ownerId, applicationId);
      if (app.status !== 'draft') throw new AppError('CONFLICT', '申请已提交，不能再更改身份证材料的提供方式。');
      if (!(await repo.removeLicence(applicationId, role))) throw notFound('该电子证照选择');
    },

    /** For submit: every missing photo (or licence) of the form `data` (opened), all at once. */
    missingFor,

    /** For a resubmit: the photos the rejection asked for that were not uploaded again since. */
    async notReplacedSince(applicationId: string, item: ItemRecord | undefined): Promise<FieldError[]> {
      const kinds = rejectedKinds(item);
      if (!kinds.length || !item?.rejection) return [];
      const photos = await repo.listForApplication(applicationId);
      const at = new Date(item.rejection.at).getTime();
      return kinds
        .filter((k) => !photos.some((p) => p.kind === k && new Date(p.uploadedAt).getTime() > at))
        .map((k) => ({ path: `attachments.${k}`, message: `请按退回原因重新上传${ATTACHMENT_KIND_LABELS[k]}照片后再提交。` }));
    },

    /** Withdrawn or swept: the application's photos and licence choices go with it. */
    async deleteForApplication(applicationId: string) {
      await removeObjects(await repo.removeAllFor(applicationId));
    },

    /** What a task shows of the photos its item needs: kind, id and size, never the bytes. */
    async forTasks(applicationIds: readonly string[], full: boolean) {
      const [photos, licences] = await Promise.all([
        repo.listForApplications(applicationIds),
        repo.listLicencesFor(applicationIds),
      ]);
      return (applicationId: string, itemKey: ItemKey) => {
        const kinds = ITEM_CATALOGUE[itemKey].attachments;
        return {
          attachments: photos
            .filter((p) => p.applicationId === applicationId && kinds.includes(p.kind))
            .map((p) => ({
              id: p.attachmentId,
              kind: p.kind,
              kindLabel: ATTACHMENT_KIND_LABELS[p.kind],
              bytes: p.bytes,
              width: p.width,
              height: p.height,
            })),
          licences: licences
            .filter((l) => l.applicationId === applicationId && ID_KINDS_OF[l.role].some((k) => kinds.includes(k)))
            .map((l) => licenceView(l, full)),
        };
      };
    },

    /** A department reads a photo its item needs (full size); another kind or another department's task is 404. Audited. */
    async readForTask(principal: Principal, taskId: string, attachmentId: string) {
      const dot = taskId.lastIndexOf('.');
      const itemKey = taskId.slice(dot + 1);
      const applicationId = taskId.slice(0, dot);
      if (dot <= 0 || !isItemKey(itemKey) || ITEM_CATALOGUE[itemKey].department !== principal.department)
        throw notFound('该照片');
      const app = await deps.applications.findById(applicationId);
      const item = app?.items[itemKey];
      if (!app || app.status === 'draft' || app.status === 'withdrawn' || !item || item.state === 'waiting')
        throw notFound('该照片');
      const doc = await repo.findByAttachmentId(applicationId, attachmentId);
      if (!doc || !ITEM_CATALOGUE[itemKey].attachments.includes(doc.kind)) throw notFound('该照片');
      const bytes = await store.get(objectIds(attachmentId)[0]);
      if (!bytes) throw notFound('该照片');
      await audit(principal, applicationId, 'attachment.read', [`attachments.${doc.kind}`], itemKey);
      return { bytes, doc };
    },

    /**
     * Photos whose application is gone or withdrawn, photos of completed applications past retention,
     * and stored objects that no record points at (an upload that lost a race or crashed half-way).
     */
    async sweep(): Promise<number> {
      const now = deps.now().getTime();
      let removed = 0;
      for (const id of await repo.applicationIds()) {
        const app = await deps.applications.findById(id);
        const expired =
          !app ||
          app.status === 'withdrawn' ||
          (app.status === 'completed' && new Date(app.updatedAt).getTime() < now - deps.photoRetentionDays * 86400_000);
        if (expired) {
          await removeObjects(await repo.removeAllFor(id));
          removed++;
        }
      }
      const old = await store.listBefore(new Date(now - ORPHAN_AFTER_MS), 1000);
      const live = await repo.attachmentIdsIn([...new Set(old.map((o) => o.attachmentId))]);
      const orphans = old.filter((o) => !live.has(o.attachmentId)).map((o) => o.objectId);
      await store.remove(orphans);
      return removed + orphans.length;
    },
  };
}

function maskCode(code: string): string {
  return code.length <= 8 ? '****' : `${code.slice(0, 4)}****${code.slice(-4)}`;
}

/** The date printed on the watermark. */
export const watermarkDate = (now: () => Date) => () => toChinaDateString(now());

export type AttachmentsService = ReturnType<typeof createAttachmentsService>;
