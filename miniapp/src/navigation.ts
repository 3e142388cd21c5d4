import Taro from '@tarojs/taro';

// Every page path the app navigates to, in one place (API paths live in services/api.ts).

export const ROUTES = {
  home: '/pages/index/index',
  apply: '/pages/apply/index',
  applications: '/pages/applications/index',
  progress: '/pages/progress/index',
} as const;

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const search = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return search ? `${path}?${search}` : path;
}

/** The form: a new application, a draft to continue (`id`), or a rejected item to correct (`id` + `item`). */
export function openApply(query: { id?: string; item?: string } = {}): void {
  void Taro.navigateTo({ url: withQuery(ROUTES.apply, query) });
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
