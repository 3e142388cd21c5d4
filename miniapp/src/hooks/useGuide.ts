import { useCallback, useEffect, useRef, useState } from 'react';
import type { Guide } from '@birth/shared';
import { getGuide } from '../services/api';
import { ApiError } from '../services/http';

export type GuideState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; guide: Guide };

/** Loads the guide once; `reload` tries again after an error. */
export function useGuide(): GuideState & { reload: () => void } {
  const [state, setState] = useState<GuideState>({ status: 'loading' });
  const attempt = useRef(0);

  const load = useCallback(() => {
    const current = ++attempt.current;
    setState({ status: 'loading' });
    getGuide().then(
      (guide) => {
        if (current === attempt.current) setState({ status: 'ready', guide });
      },
      (error: unknown) => {
        if (current !== attempt.current) return;
        const message = error instanceof ApiError ? error.message : '办事指南加载失败，请稍后再试';
        setState({ status: 'error', message });
      },
    );
  }, []);

  useEffect(load, [load]);

  return { ...state, reload: load };
}
