import type { Guide } from '@birth/shared';
import { request } from './http';

/** The simple guide (standard appendix C), hospitals, pickup points and the five items. */
export async function getGuide(): Promise<Guide> {
  const { data } = await request<Guide>({ path: '/guide', auth: false });
  return data;
}
