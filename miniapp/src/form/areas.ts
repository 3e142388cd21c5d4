import { useEffect, useState } from 'react';

export type AreaList = (typeof import('@vant/area-data'))['areaList'];

let cache: AreaList | undefined;
let loading: Promise<AreaList> | undefined;

/**
 * The 省/市/区县 list (@vant/area-data, ~160 KB). On H5 it is a chunk of its own, fetched when a region is
 * first needed, so the first form screen opens faster on a phone network; the mini programs bundle it in
 * the form subpackage (the dead branch is dropped at build time).
 */
export function loadAreaList(): Promise<AreaList> {
  if (cache) return Promise.resolve(cache);
  loading ??= (
    process.env.TARO_ENV === 'h5'
      ? import('@vant/area-data')
      : Promise.resolve(require('@vant/area-data') as typeof import('@vant/area-data'))
  ).then((m) => (cache = m.areaList));
  return loading;
}

/** The area list once loaded (undefined meanwhile). */
export function useAreaList(): AreaList | undefined {
  const [list, setList] = useState(cache);
  useEffect(() => {
    if (list) return undefined;
    let live = true;
    loadAreaList().then(
      (l) => live && setList(l),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [list]);
  return list;
}

/** 省市区县 names of a 6-digit county code; the code itself until the list is loaded. */
export function regionName(code: unknown, list: AreaList | undefined = cache): string {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return '';
  if (!list) return code;
  const names = list as unknown as Record<string, Record<string, string>>;
  const province = names.province_list[`${code.slice(0, 2)}0000`] ?? '';
  const city = names.city_list[`${code.slice(0, 4)}00`] ?? '';
  return `${province}${city}${names.county_list[code] ?? ''}`;
}
