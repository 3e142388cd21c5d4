import { listApplications, listNotifications } from '../services/api';
import type { ApplicationSummary, Notice } from '@birth/shared';
import { useRemoteData, type Remote } from './useRemoteData';

export interface MyApplications {
  /** Newest first. */
  applications: ApplicationSummary[];
  /** The newest notice of each application, when there is one. */
  latestNotice: Record<string, Notice>;
}

const newestFirst = (a: ApplicationSummary, b: ApplicationSummary) =>
  (Date.parse(b.submittedAt ?? b.createdAt) || 0) - (Date.parse(a.submittedAt ?? a.createdAt) || 0);

async function loadMyApplications(): Promise<MyApplications> {
  // Notices only add a line to each card: the list must still show when they fail.
  const [applications, notices] = await Promise.all([listApplications(), listNotifications().catch(() => [] as Notice[])]);
  const latestNotice: Record<string, Notice> = {};
  for (const notice of notices) {
    const id = notice.applicationId;
    if (!id) continue;
    const known = latestNotice[id];
    if (!known || Date.parse(notice.createdAt) > Date.parse(known.createdAt)) latestNotice[id] = notice;
  }
  return { applications: [...applications].filter((a) => a.status !== 'withdrawn').sort(newestFirst), latestNotice };
}

/** 我的申请: the parent's applications, reloaded whenever the page comes back on screen. */
export function useApplications(): Remote<MyApplications> {
  return useRemoteData(loadMyApplications, 'mine', { fallbackMessage: '没有取到您的申请，请稍后再试' });
}
