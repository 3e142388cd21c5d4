import Taro from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IdentityFillTarget } from '@birth/shared';
import { createApplication, fillVerifiedIdentity, getApplication, patchApplication, submitApplication } from '../services/api';
import { ApiError } from '../services/http';
import type { ApplicationView } from '@birth/shared';
import { newIdempotencyKey } from '../utils/ids';
import {
  STEPS,
  changes,
  checkField,
  errorsFromServer,
  errorsOfStep,
  firstIncompleteStep,
  prefill,
  pruneDelivery,
  setAt,
  stepIndex,
  validateStep,
  type FieldErrors,
  type Obj,
  type StepKey,
} from './model';
import { fieldId } from './components/Field';

export const STALE_MESSAGE = '这份申请刚在另一台设备上改过，已为您载入最新内容。请核对本页后再点“下一步”。';

export type FormLoad = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' };

/** Scrolls the page to a field (the first one with an error). */
export function scrollToField(path: string): void {
  const selector = `#${fieldId(path)}-wrap`;
  // Taro's H5 pages scroll inside their own element; pageScrollTo finds it by selector.
  setTimeout(() => {
    void Taro.pageScrollTo({ selector, duration: 200, offsetTop: -80 } as Taro.pageScrollTo.Option).catch(() => undefined);
  }, 50);
}

function firstErrorPath(errors: FieldErrors): string | undefined {
  return Object.keys(errors)[0];
}

/**
 * The application form's state: the values, what the BFF holds (to send only changes), the ETag, the
 * step shown and the errors. Saves on every 下一步; a draft changed elsewhere (409) is reloaded, never
 * overwritten; 提交 sends one request per draft whatever the number of taps.
 */
export function useApplicationForm(initialId: string | undefined, guideHospitals?: { id: string }[]) {
  const [load, setLoad] = useState<FormLoad>(initialId ? { status: 'loading' } : { status: 'ready' });
  const [values, setValues] = useState<Obj>(() => (initialId ? {} : prefill({})));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [step, setStep] = useState<StepKey>('newborn');
  const [notice, setNotice] = useState<{ tone: 'info' | 'warn' | 'error'; text: string } | undefined>();
  const [busy, setBusy] = useState<'saving' | 'submitting' | undefined>();
  const id = useRef(initialId);
  const etag = useRef('');
  const baseline = useRef<Obj>({});
  const valuesRef = useRef(values);
  valuesRef.current = values;
  const submitKey = useRef<string | undefined>(undefined);
  const inFlight = useRef(false);

  const adopt = useCallback((view: ApplicationView, tag: string) => {
    id.current = view.id;
    etag.current = tag;
    baseline.current = view.data ?? {};
    const next = prefill(view.data ?? {});
    setValues(next);
  }, []);

  const reload = useCallback(async () => {
    if (!id.current) return;
    const { data, etag: tag } = await getApplication(id.current);
    adopt(data, tag);
    return data;
  }, [adopt]);

  useEffect(() => {
    if (!initialId) return;
    setLoad({ status: 'loading' });
    getApplication(initialId).then(
      ({ data, etag: tag }) => {
        adopt(data, tag);
        // Resume where the parent left off (on this phone or another one).
        if (data.status === 'draft') setStep(firstIncompleteStep(prefill(data.data ?? {})));
        setLoad({ status: 'ready' });
      },
      (error: unknown) =>
        setLoad({ status: 'error', message: error instanceof ApiError ? error.message : '没有取到这份申请，请稍后再试' }),
    );
  }, [initialId, adopt]);

  // One hospital only: nothing to choose.
  useEffect(() => {
    if (guideHospitals?.length === 1) setValues((v) => prefill(v, { hospitals: guideHospitals as never }));
  }, [guideHospitals]);

  const setValue = useCallback((path: string, value: unknown) => {
    setValues((v) => prefill(setAt(v, path, value)));
    setErrors((e) => {
      if (!e[path]) return e;
      const next = { ...e };
      delete next[path];
      return next;
    });
  }, []);

  /** Replaces the whole value at once (e.g. a delivery switched between mail and pickup). */
  const update = useCallback((fn: (values: Obj) => Obj) => setValues((v) => prefill(fn(v))), []);

  const blur = useCallback((path: string) => {
    const message = checkField(valuesRef.current, path);
    setErrors((e) => {
      if (message === e[path]) return e;
      const next = { ...e };
      if (message) next[path] = message;
      else delete next[path];
      return next;
    });
  }, []);

  const showErrors = useCallback((found: FieldErrors, at: StepKey) => {
    setErrors(found);
    setStep(at);
    const first = firstErrorPath(errorsOfStep(found, at));
    if (first) scrollToField(first);
  }, []);

  /** A 409 on a draft write: reload what the other device saved and say so (never overwrite it). */
  const reloadStale = useCallback(async () => {
    try {
      const fresh = await reload();
      if (fresh && fresh.status !== 'draft') {
        setNotice({ tone: 'warn', text: '这份申请已经提交了，不能再修改。可到“我的申请”查看办理进度。' });
        return;
      }
      setNotice({ tone: 'warn', text: STALE_MESSAGE });
    } catch (reloadError: unknown) {
      setNotice({ tone: 'error', text: reloadError instanceof ApiError ? reloadError.message : STALE_MESSAGE });
    }
  }, [reload]);

  /** Sends what changed since the last save; creates the draft on the first save. */
  const save = useCallback(async (): Promise<boolean> => {
    const current = pruneDelivery(valuesRef.current);
    try {
      if (!id.current) {
        const created = await createApplication(changes({}, current));
        id.current = created.data.id;
        etag.current = created.etag;
        baseline.current = current;
        return true;
      }
      const diff = changes(baseline.current, current);
      if (Object.keys(diff).length === 0) return true;
      const saved = await patchApplication(id.current, etag.current, diff);
      etag.current = saved.etag;
      baseline.current = current;
      return true;
    } catch (error: unknown) {
      if (error instanceof ApiError && error.status === 409 && error.code === 'CONFLICT') {
        await reloadStale();
        return false;
      }
      if (error instanceof ApiError && error.errors.length > 0) {
        const { fieldErrors, firstStep } = errorsFromServer(error.errors);
        if (firstStep) showErrors(fieldErrors, firstStep);
        setNotice({ tone: 'error', text: error.message });
        return false;
      }
      setNotice({ tone: 'error', text: error instanceof ApiError ? error.message : '保存没有成功，请稍后再试' });
      return false;
    }
  }, [reloadStale, showErrors]);

  /**
   * 一键填入: saves what is on screen, then has the BFF write the parent's verified name and phone into
   * `into` (a parent, or mailed documents' recipient). The values come back as the BFF shows them (the
   * phone masked): they never travel to the phone in clear.
   */
  const fillFromIdentity = useCallback(
    async (into: IdentityFillTarget[]): Promise<boolean> => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setBusy('saving');
      try {
        if (!(await save()) || !id.current) return false;
        const filled = await fillVerifiedIdentity(id.current, etag.current, into);
        adopt(filled.data, filled.etag);
        setErrors((e) =>
          Object.fromEntries(Object.entries(e).filter(([path]) => !into.some((t) => path === t || path.startsWith(`${t}.`)))),
        );
        setNotice({ tone: 'info', text: '已用您的实名信息填好姓名和手机号，请核对。' });
        return true;
      } catch (error: unknown) {
        if (error instanceof ApiError && error.status === 409 && error.code === 'CONFLICT') await reloadStale();
        else setNotice({ tone: 'error', text: error instanceof ApiError ? error.message : '没有填入成功，请直接填写' });
        return false;
      } finally {
        inFlight.current = false;
        setBusy(undefined);
      }
    },
    [save, adopt, reloadStale],
  );

  const goTo = useCallback((key: StepKey) => {
    setNotice((n) => (n?.tone === 'warn' ? n : undefined));
    setStep(key);
    void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
  }, []);

  /** 下一步: every problem of this step at once (scrolled to the first), else save and move on. */
  const next = useCallback(async () => {
    if (inFlight.current) return;
    const found = validateStep(valuesRef.current, step);
    if (Object.keys(found).length > 0) {
      showErrors({ ...errors, ...found }, step);
      setNotice({ tone: 'error', text: `本页有 ${Object.keys(found).length} 处需要修改，已用红字标出。` });
      return;
    }
    inFlight.current = true;
    setBusy('saving');
    const ok = await save();
    inFlight.current = false;
    setBusy(undefined);
    if (!ok) return;
    setNotice(undefined);
    const index = stepIndex(step);
    goTo(STEPS[Math.min(index + 1, STEPS.length - 1)].key);
  }, [step, errors, save, showErrors, goTo]);

  const back = useCallback(() => {
    const index = stepIndex(step);
    if (index > 0) goTo(STEPS[index - 1].key);
  }, [step, goTo]);

  /** 提交: saves what is left, then submits once (one Idempotency-Key for this draft, taps ignored while sending). */
  const submit = useCallback(async (): Promise<ApplicationView | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy('submitting');
    try {
      if (!(await save())) return undefined;
      submitKey.current ??= newIdempotencyKey('submit');
      return await submitApplication(id.current as string, submitKey.current);
    } catch (error: unknown) {
      if (error instanceof ApiError && error.errors.length > 0) {
        const { fieldErrors, firstStep } = errorsFromServer(error.errors);
        setNotice({ tone: 'error', text: error.message });
        if (firstStep) showErrors(fieldErrors, firstStep);
        submitKey.current = undefined;
      } else if (error instanceof ApiError && error.status === 409) {
        setNotice({ tone: 'warn', text: error.message });
      } else {
        // No answer: the same key goes with the next tap, so a submit that did arrive is not repeated.
        setNotice({ tone: 'error', text: error instanceof ApiError ? error.message : '提交没有成功，请再点一次“提交申请”' });
      }
      return undefined;
    } finally {
      inFlight.current = false;
      setBusy(undefined);
    }
  }, [save, showErrors]);

  return {
    load,
    id: id.current,
    values,
    errors,
    step,
    notice,
    busy,
    setValue,
    update,
    blur,
    next,
    back,
    goTo,
    submit,
    save,
    fillFromIdentity,
  };
}
