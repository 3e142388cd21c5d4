import { z } from 'zod';
import { ATTACHMENT_KINDS, ATTACHMENT_LIMITS, PARENT_ROLES } from '@birth/shared';
import { bearer, idParam as param, problems } from '../openapi/openapi.helpers';

const jpeg = (description: string) => ({
  description,
  content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
});

const Attachment = z.object({
  id: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  kindLabel: z.string(),
  contentType: z.literal('image/jpeg'),
  bytes: z.number().int(),
  thumbBytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  sha256: z.string(),
  uploadedAt: z.string(),
});

/** The attachment endpoints' part of the OpenAPI document (schemas and paths). */
export function attachmentsOpenApi() {
  return {
    schemas: {
      Attachment: z.toJSONSchema(Attachment, { target: 'openapi-3.0' }),
      AttachmentUpload: {
        type: 'object',
        required: ['file', 'kind'],
        properties: {
          file: {
            type: 'string',
            format: 'binary',
            description: `one photo, JPEG, PNG or WebP decided by its content (HEIC, GIF, SVG, PDF are 415), at most ${ATTACHMENT_LIMITS.maxBytes} bytes and ${ATTACHMENT_LIMITS.maxPixels} pixels`,
          },
          kind: { type: 'string', enum: [...ATTACHMENT_KINDS] },
        },
      },
    },
    paths: {
      '/api/v1/applications/{id}/attachments': {
        parameters: [param('id')],
        post: {
          ...bearer('parent'),
          summary:
            'Upload one ID photo or document (multipart: `file` and `kind`); the same kind again replaces the old one. Checked on arrival: too small, blurred, dark, over-exposed or not an ID card is 422 with its own code (PHOTO_TOO_SMALL, PHOTO_BLURRY, PHOTO_TOO_DARK, PHOTO_OVEREXPOSED, PHOTO_NOT_ID_CARD). Stored as a watermarked JPEG without metadata, encrypted. Optional Idempotency-Key.',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } },
          ],
          requestBody: {
            required: true,
            content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/AttachmentUpload' } } },
          },
          responses: {
            201: {
              description: 'stored',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Attachment' } } },
            },
            ...problems(400, 401, 403, 404, 409, 413, 415, 422),
          },
        },
        get: {
          ...bearer('parent'),
          summary: 'The photos and licence choices of an application, the kinds submit requires and what is still missing',
          responses: { 200: { description: 'attachments' }, ...problems(401, 404) },
        },
      },
      '/api/v1/applications/{id}/attachments/{attachmentId}': {
        parameters: [param('id'), param('attachmentId')],
        get: {
          ...bearer('parent'),
          summary: "The owner's view of a photo: the thumbnail, or the full image with ?size=full (audited)",
          parameters: [{ name: 'size', in: 'query', required: false, schema: { type: 'string', enum: ['thumb', 'full'] } }],
          responses: { 200: jpeg('image'), ...problems(400, 401, 404) },
        },
        delete: {
          ...bearer('parent'),
          summary: 'Remove a photo from a draft',
          responses: { 204: { description: 'removed' }, ...problems(401, 404, 409) },
        },
      },
      '/api/v1/applications/{id}/licences/{role}': {
        parameters: [
          param('id'),
          { name: 'role', in: 'path', required: true, schema: { type: 'string', enum: [...PARENT_ROLES] } },
        ],
        put: {
          ...bearer('parent'),
          summary:
            "Use this parent's electronic ID licence (电子身份证照) from the shared licence library instead of ID photos; looked up by the name and ID number in the draft",
          responses: { 200: { description: 'licence chosen (code masked)' }, ...problems(400, 401, 404, 409, 422, 503) },
        },
        delete: {
          ...bearer('parent'),
          summary: 'Go back to ID photos for this parent',
          responses: { 204: { description: 'removed' }, ...problems(401, 404, 409) },
        },
      },
      '/api/v1/dept/tasks/{taskId}/attachments/{attachmentId}': {
        parameters: [param('taskId'), param('attachmentId')],
        get: {
          ...bearer('department'),
          summary: "A photo the task's item needs (full size, audited); another kind or another department's task is 404",
          responses: { 200: jpeg('image'), ...problems(401, 403, 404) },
        },
      },
    },
  };
}
