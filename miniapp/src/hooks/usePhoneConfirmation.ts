import Taro from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { confirmPhone, getPhoneConfirmation, requestPhoneConfirmation } from '../services/api';
import { ApiError } from '../services/http';
import { CODE_LENGTH, RESEND_SECONDS, codeDigits, secondsUntil } from '../utils/phone-confirm';

/** Applications whose notice phone this device saw confirmed: `{ [applicationId]: "139****5432" }`. */
const CONFIRMED_KEY = 'birth.phoneConfirmed';

function remembered(): Record<string, string> {
  try {
    const value: unknown = Taro.getStorageSync(CONFIRMED_KEY);
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function remember(applicationId: string, sentTo: string): void {
  try {
    Taro.setStorageSync(CONFIRMED_KEY, { ...remembered(), [applicationId]: sentTo });
  } catch {
    // Storage full or refused: the card shows again next time, and 发送验证码 answers 已验证 at once.
  }
}

export type PhoneConfirmPhase = 'idle' | 'sending' | 'sent' | 'checking' | 'confirmed';

export interface PhoneConfirmation {
  phase: PhoneConfirmPhase;
  /** The phone as the BFF masked it, once it answered. */
  sentTo?: string;
  /** Until when the last sent code is valid (ISO), as the BFF said. */
  expiresAt?: string;
  code: string;
  /** The BFF's own words (or the app's for a lost connection) about the last failed step. */
  error?: string;
  /** The error is about the typed code (wrong, expired, too many tries): the input is marked. */
  codeError: boolean;
  /** Seconds until another code may be asked for; 0 when it may. */
  resendIn: number;
  /** Confirmed before this page opened: nothing to show. */
  hidden: boolean;
  setCode: (typed: string) => void;
  send: () => Promise<void>;
  confirm: () => Promise<void>;
}

const message = (error: unknown) => (error instanceof ApiError ? error.message : '网络连接失败，请检查网络后重试');

/**
 * The phone that this application's notices go to, confirmed with a one-time SMS code (the BFF sends notice
 * SMS only to confirmed phones). The page asks the BFF first (which phone, and whether it is confirmed — on
 * another device, or verified by 浙里办 at login); what this device saw confirmed is remembered, so the card
 * does not flash while that answer comes.
 */
export function usePhoneConfirmation(applicationId: string): PhoneConfirmation {
  const [hidden, setHidden] = useState(() => !!applicationId && !!remembered()[applicationId]);
  const [phase, setPhase] = useState<PhoneConfirmPhase>('idle');
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const [expiresAt, setExpiresAt] = useState<string | undefined>(undefined);
  const [code, setCodeState] = useState('');
  const [error, setError] = useState<{ text: string; code: boolean } | undefined>(undefined);
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const busy = useRef(false);

  // Which phone, and whether it is confirmed already: the masked number shows before any tap.
  useEffect(() => {
    if (!applicationId || hidden) return undefined;
    let live = true;
    getPhoneConfirmation(applicationId).then(
      (answer) => {
        if (!live) return;
        if (answer.confirmed) {
          remember(applicationId, answer.sentTo);
          setHidden(true);
        } else setSentTo((shown) => shown ?? answer.sentTo);
      },
      () => undefined, // unknown: the card stays, and 发送验证码 asks again
    );
    return () => {
      live = false;
    };
  }, [applicationId, hidden]);

  const resendIn = secondsUntil(resendAt, now);
  const counting = resendIn > 0;
  // One ticking timer while the countdown runs; it stops itself at zero and on leaving the page.
  useEffect(() => {
    if (!counting) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);

  const done = useCallback(
    (to: string) => {
      setSentTo(to);
      setPhase('confirmed');
      setError(undefined);
      remember(applicationId, to);
    },
    [applicationId],
  );

  const send = useCallback(async () => {
    if (busy.current || !applicationId) return;
    busy.current = true;
    setPhase((p) => (p === 'idle' ? 'sending' : p));
    setError(undefined);
    try {
      const answer = await requestPhoneConfirmation(applicationId);
      if (answer.confirmed) done(answer.sentTo);
      else {
        setSentTo(answer.sentTo);
        setExpiresAt(answer.expiresAt);
        setPhase('sent');
        const at = Date.now();
        setNow(at);
        setResendAt(at + RESEND_SECONDS * 1000);
      }
    } catch (err) {
      setPhase((p) => (p === 'sending' ? 'idle' : p));
      setError({ text: message(err), code: false });
    } finally {
      busy.current = false;
    }
  }, [applicationId, done]);

  const confirm = useCallback(async () => {
    if (busy.current || code.length !== CODE_LENGTH) return;
    busy.current = true;
    setPhase('checking');
    setError(undefined);
    try {
      const answer = await confirmPhone(applicationId, code);
      if (answer.confirmed) done(answer.sentTo);
      else setPhase('sent');
    } catch (err) {
      setPhase('sent');
      setError({ text: message(err), code: err instanceof ApiError && err.status === 400 });
    } finally {
      busy.current = false;
    }
  }, [applicationId, code, done]);

  const setCode = useCallback((typed: string) => setCodeState(codeDigits(typed)), []);

  return {
    phase,
    sentTo,
    expiresAt,
    code,
    error: error?.text,
    codeError: !!error?.code,
    resendIn,
    hidden,
    setCode,
    send,
    confirm,
  };
}
