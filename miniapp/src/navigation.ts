import Taro from '@tarojs/taro';

// Every page path the app navigates to, in one place (API paths live in services/api.ts).

export const ROUTES = {
  home: '/pages/index/index',
  applications: '/pages/applications/index',
  progress: '/pages/progress/index',
  notices: '/pages/notices/index',
  // The form, the correction and the rating screens live in a subpackage, so the mini programs' main
  // package stays small and opens fast.
  apply: '/form/apply/index',
  correct: '/form/correct/index',
  rate: '/form/rate/index',
} as const;

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const search = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return search ? `${path}?${search}` : path;
}

/** The form: a new application, or a draft to continue (`id`). */
export function openApply(query: { id?: string } = {}): void {
  void Taro.navigateTo({ url: withQuery(ROUTES.apply, query) });
}

/** The correction screen of one rejected item. */
export function openCorrection(applicationId: string, itemKey: string): void {
  void Taro.navigateTo({ url: withQuery(ROUTES.correct, { id: applicationId, item: itemKey }) });
}

/** 好差评 of one application at a stage (`accepted` or `completed`). */
export function openRating(applicationId: string, stage?: string): void {
  void Taro.navigateTo({ url: withQuery(ROUTES.rate, { id: applicationId, stage }) });
}

export function openNotices(): void {
  void Taro.navigateTo({ url: ROUTES.notices });
}

/** Replaces the current page (the form after submit → its progress). */
export function replaceWithProgress(applicationId: string, query: Record<string, string> = {}): void {
  void Taro.redirectTo({ url: withQuery(ROUTES.progress, { id: applicationId, ...query }) });
}

export function openApplications(): void {
  void Taro.navigateTo({ url: ROUTES.applications });
}

export function openProgress(applicationId: string): void {
  void Taro.navigateTo({ url: withQuery(ROUTES.progress, { id: applicationId }) });
}

/** Back to the previous page, or to `fallback` when this page was opened directly (a link, a notice). */
export function goBack(fallback: string = ROUTES.home): void {
  if (Taro.getCurrentPages().length > 1) {
    void Taro.navigateBack();
  } else {
    void Taro.redirectTo({ url: fallback });
  }
}
