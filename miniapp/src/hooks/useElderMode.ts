import Taro from '@tarojs/taro';
import { useSyncExternalStore } from 'react';

/**
 * Elder mode (适老化): larger type, larger buttons, higher contrast. One app-wide value kept outside
 * React so every page and every component agrees on it without a provider.
 *
 * Which setting wins, strongest first:
 * 1. on H5, `?elder=1` / `?elder=0` in the address (浙里办 passes its own elder setting this way);
 * 2. the parent's own choice with the toggle, kept in storage;
 * 3. on H5 inside 浙里办, the app's UI style reported by ZWJSBridge.getUiStyle(), when the bridge exists.
 */
const STORAGE_KEY = 'birth.ui.elderMode';
const ROOT_CLASS = 'elder-mode';

type Listener = () => void;
const listeners = new Set<Listener>();

function readQueryFlag(): boolean | undefined {
  if (process.env.TARO_ENV !== 'h5' || typeof window === 'undefined') return undefined;
  // Hash routing keeps page parameters after '#', and 浙里办 may put its own before it: look at both.
  const { search, hash } = window.location;
  const hashQuery = hash.includes('?') ? hash.slice(hash.indexOf('?')) : '';
  for (const part of [search, hashQuery]) {
    const value = new URLSearchParams(part).get('elder');
    if (value === '1' || value === 'true') return true;
    if (value === '0' || value === 'false') return false;
  }
  return undefined;
}

function readStoredFlag(): boolean | undefined {
  try {
    const value: unknown = Taro.getStorageSync(STORAGE_KEY);
    if (value === '1' || value === true) return true;
    if (value === '0' || value === false) return false;
  } catch {
    // Storage can be unavailable (private browsing); fall through to the default.
  }
  return undefined;
}

let elder: boolean = readQueryFlag() ?? readStoredFlag() ?? false;

function applyRootClass(): void {
  if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') {
    // On the root too, so NutUI overlays (toasts, dialogs) mounted outside the page grow as well.
    document.documentElement.classList.toggle(ROOT_CLASS, elder);
  }
}

function set(value: boolean): void {
  if (value === elder) return;
  elder = value;
  applyRootClass();
  listeners.forEach((listener) => listener());
}

applyRootClass();

interface ZwBridge {
  getUiStyle?: () => Promise<{ uiStyle?: string }>;
}

if (
  process.env.TARO_ENV === 'h5' &&
  typeof window !== 'undefined' &&
  readQueryFlag() === undefined &&
  readStoredFlag() === undefined
) {
  const bridge = (window as unknown as { ZWJSBridge?: ZwBridge }).ZWJSBridge;
  bridge?.getUiStyle?.().then(
    (result) => {
      if (result?.uiStyle === 'elder') set(true);
    },
    () => undefined,
  );
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): boolean {
  return elder;
}

/** Switches elder mode and remembers the parent's choice for next time. */
export function setElderMode(value: boolean): void {
  try {
    Taro.setStorageSync(STORAGE_KEY, value ? '1' : '0');
  } catch {
    // Not remembered, but still applied for this visit.
  }
  set(value);
}

/** Whether elder mode is on; re-renders when it changes. */
export function useElderMode(): boolean {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** The class that switches a page's root into elder mode. */
export const ELDER_CLASS = ROOT_CLASS;
