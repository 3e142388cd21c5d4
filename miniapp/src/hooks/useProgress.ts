import { useEffect, useState } from 'react';
import { getProgress, listApplications } from '../services/api';
import type { Progress } from '../services/types';
import { useRemoteData, type Remote } from './useRemoteData';

/** How often 办理进度 reloads while on screen. */
export const PROGRESS_POLL_MS = 10_000;

/**
 * 办理进度 of one application, reloaded every 10 s while the page is shown, plus the newborn's name for
 * the title (the progress answer does not carry it; the list does, so it is read once).
 */
export function useProgress(applicationId: string): Remote<Progress> & { newbornName?: string } {
  const remote = useRemoteData(() => getProgress(applicationId), applicationId, {
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
