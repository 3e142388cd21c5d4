import { useEffect, useState } from 'react';
import { getProgress, listApplications } from '../services/api';
import { ApiError } from '../services/http';
import type { Progress } from '@birth/shared';
import { useRemoteData, type Remote } from './useRemoteData';

/** How often 办理进度 reloads while on screen. */
export const PROGRESS_POLL_MS = 10_000;

/**
 * 办理进度 of one application, reloaded every 10 s while the page is shown, plus the newborn's name for
 * the title (the progress answer does not carry it; the list does, so it is read once).
 */
export function useProgress(applicationId: string): Remote<Progress> & { newbornName?: string } {
  const load = () =>
    applicationId
      ? getProgress(applicationId)
      : Promise.reject(new ApiError({ status: 404, code: 'NOT_FOUND', message: '没有指明要查看哪一份申请，请从“我的申请”进入' }));
  const remote = useRemoteData(load, applicationId, {
    pollMs: PROGRESS_POLL_MS,
    fallbackMessage: '没有取到办理进度，请稍后再试',
  });
  const [newbornName, setNewbornName] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setNewbornName(undefined);
    if (!applicationId) return undefined;
    listApplications().then(
      (applications) => {
        if (live) setNewbornName(applications.find((a) => a.id === applicationId)?.newbornName);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [applicationId]);
  return { ...remote, newbornName };
}
