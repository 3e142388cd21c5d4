import './utils/no-eval';
import { useLaunch } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { ROUTES } from './navigation';
import { getGuide } from './services/api';
import { startSession } from './services/session';
import './app.css';

/**
 * H5 on a phone network: start the login, and the guide where the first page shows it, while the page's
 * own code is still downloading, instead of after it has rendered (two round trips saved on a cold start).
 */
function startEarly(): void {
  startSession().catch(() => undefined);
  const route = window.location.hash.replace(/^#/, '').split('?')[0];
  if (route === '' || route === '/' || route === ROUTES.home || route === ROUTES.apply) getGuide().catch(() => undefined);
}

if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') startEarly();

if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') {
  // Taro's H5 components are custom elements, not <button>s: give the ones we mark as buttons or
  // switches the keyboard behaviour a native control has.
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const target = event.target as HTMLElement | null;
    if (!target || !target.tagName.startsWith('TARO-')) return;
    const role = target.getAttribute('role');
    if (role !== 'button' && role !== 'switch' && role !== 'checkbox' && role !== 'radio') return;
    event.preventDefault();
    target.click();
  });
}

function App({ children }: PropsWithChildren) {
  // Log in once per start, in the background: the guide needs no login, and pages that do wait for it.
  // A failure here is retried by the first call that needs the session, which shows its message.
  useLaunch(() => {
    startSession().catch(() => undefined);
  });
  // children is the page being shown.
  return children;
}

export default App;
