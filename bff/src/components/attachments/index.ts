export {
  attachmentsRouter,
  isUploadRequest,
  taskAttachmentsRouter,
  UPLOAD_BODY_LIMIT_BYTES,
  UPLOAD_FIELDS,
} from './attachments.router';
export { createAttachmentsRepository, type AttachmentsRepository } from './attachments.repository';
export { createAttachmentsService, watermarkDate, type AttachmentsService } from './attachments.service';
export { createPhotoPipeline, type PhotoPipeline } from './photo.pipeline';
export { createGridFsPhotoStore, type PhotoStore } from './photo.store';
export { QUALITY_THRESHOLDS } from './photo.quality';
