// Multipart uploads over real HTTP for the photo tests (Node's fetch + FormData, as a browser would send them).
import { checkResponse } from '../contract';
import type { ApiResponse } from '../test-server';

export type UploadPart = { name: string; value: string } | { name: string; file: Buffer; filename?: string; type?: string };

export async function multipart(
  base: string,
  path: string,
  token: string,
  parts: UploadPart[],
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const form = new FormData();
  for (const p of parts) {
    if ('file' in p)
      form.append(p.name, new Blob([new Uint8Array(p.file)], { type: p.type ?? 'image/jpeg' }), p.filename ?? 'photo.jpg');
    else form.append(p.name, p.value);
  }
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: form,
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') && text ? JSON.parse(text) : text;
  checkResponse('POST', path, { status: res.status, contentType: type, body, empty: text.length === 0 });
  return { status: res.status, headers: res.headers, body };
}

/** Uploads one photo of `kind` to an application. */
export function uploadPhoto(
  base: string,
  token: string,
  applicationId: string,
  kind: string,
  file: Buffer,
  options: { filename?: string; type?: string; headers?: Record<string, string> } = {},
) {
  return multipart(
    base,
    `/api/v1/applications/${applicationId}/attachments`,
    token,
    [
      { name: 'kind', value: kind },
      { name: 'file', file, filename: options.filename, type: options.type },
    ],
    options.headers,
  );
}

/** GETs binary content (a photo) with a bearer token. */
export async function getBytes(
  base: string,
  path: string,
  token: string,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') && bytes.length ? JSON.parse(bytes.toString('utf8')) : bytes;
  checkResponse('GET', path, { status: res.status, contentType: type, body, empty: bytes.length === 0 });
  return { status: res.status, headers: res.headers, bytes };
}
