import Taro, { useDidHide, useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../services/http';

export type RemoteState<T> =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | {
      status: 'ready';
      data: T;
      /** When the shown data arrived. */
      updatedAt: Date;
      /** A reload is under way; the old data stays on screen meanwhile. */
      refreshing: boolean;
      /** The last reload failed; the data shown is from `updatedAt`. */
      refreshError?: string;
    };

export interface RemoteOptions {
  /** Reload every this many ms while the page is on screen (stops when it is hidden). */
  pollMs?: number;
  /** The message when the failure is not an ApiError (which carries its own Chinese message). */
  fallbackMessage: string;
}

export type Remote<T> = RemoteState<T> & { reload: () => Promise<void> };

/**
 * Loads data for a page and keeps it fresh: on first show, again whenever the page comes back on screen,
 * on pull-down, on `reload()`, and every `pollMs` while shown. A failed reload keeps the data that was
 * there and says so; only a failed first load replaces the page with an error. Calls never overlap.
 * `key` names what is loaded (e.g. the application id): a new key starts over.
 */
export function useRemoteData<T>(load: () => Promise<T>, key: string, options: RemoteOptions): Remote<T> {
  const [state, setState] = useState<RemoteState<T>>({ status: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const fallbackRef = useRef(options.fallbackMessage);
  fallbackRef.current = options.fallbackMessage;
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const shownOnce = useRef(false);
  /** The page is the one on screen (false while another page covers it). */
  const onScreen = useRef(true);
  const pollMs = options.pollMs;

  const run = useCallback((): Promise<void> => {
    if (inFlight.current) return inFlight.current;
    const current = generation.current;
    setState((previous) => (previous.status === 'ready' ? { ...previous, refreshing: true } : previous));
    const attempt = loadRef.current().then(
      (data) => {
        if (current !== generation.current) return;
        setState({ status: 'ready', data, updatedAt: new Date(), refreshing: false });
      },
      (error: unknown) => {
        if (current !== generation.current) return;
        const message = error instanceof ApiError ? error.message : fallbackRef.current;
        setState((previous) =>
          previous.status === 'ready' ? { ...previous, refreshing: false, refreshError: message } : { status: 'error', message },
        );
      },
    );
    const tracked = attempt.finally(() => {
      if (inFlight.current === tracked) inFlight.current = undefined;
    });
    inFlight.current = tracked;
    return tracked;
  }, []);

  const stopPolling = useCallback(() => {
    if (timer.current !== undefined) clearInterval(timer.current);
    timer.current = undefined;
  }, []);

  const startPolling = useCallback(() => {
    stopPolling();
    if (!pollMs) return;
    timer.current = setInterval(() => {
      if (typeof document !== 'undefined' && document.hidden) return;
      void run();
    }, pollMs);
  }, [pollMs, run, stopPolling]);

  // First load for this key, and polling while mounted.
  useEffect(() => {
    generation.current += 1;
    inFlight.current = undefined;
    setState({ status: 'loading' });
    void run();
    startPolling();
    return stopPolling;
  }, [key, run, startPolling, stopPolling]);

  // A page hidden by another page (mini programs, H5 routes) or by the phone stops polling.
  useDidShow(() => {
    onScreen.current = true;
    if (shownOnce.current) void run();
    shownOnce.current = true;
    startPolling();
  });
  useDidHide(() => {
    onScreen.current = false;
    stopPolling();
  });

  // The browser tab or the 浙里办 container going to the background.
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return undefined;
    const onVisibility = () => {
      if (document.hidden) {
        stopPolling();
      } else if (onScreen.current) {
        void run();
        startPolling();
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [run, startPolling, stopPolling]);

  usePullDownRefresh(() => {
    void run().finally(() => {
      void Taro.stopPullDownRefresh();
    });
  });

  return { ...state, reload: run };
}
