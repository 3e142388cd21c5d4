import Taro from '@tarojs/taro';
import { listNotifications } from '../services/api';
import type { Notice } from '@birth/shared';
import { useRemoteData, type Remote } from './useRemoteData';

const SEEN_KEY = 'birth.notices.seenAt';

/** When the parent last opened the inbox on this phone (epoch ms), so newer notices can say 新. */
export function noticesSeenAt(): number {
  const value: unknown = Taro.getStorageSync(SEEN_KEY);
  return typeof value === 'number' ? value : 0;
}

export function markNoticesSeen(at = Date.now()): void {
  Taro.setStorageSync(SEEN_KEY, at);
}

/** 消息: the parent's notices, newest first, refreshed while the page is shown. */
export function useNotices(): Remote<Notice[]> {
  const load = async () =>
    [...(await listNotifications())].sort((a, b) => (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0));
  return useRemoteData(load, 'notices', { pollMs: 30_000, fallbackMessage: '没有取到消息，请稍后再试' });
}
