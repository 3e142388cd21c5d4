import { View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';
import { ELDER_CLASS, useElderMode } from '../hooks/useElderMode';

export interface PageProps {
  className?: string;
}

/** Root of every page: carries the elder-mode class that the theme variables hang on. */
export function Page({ className, children }: PropsWithChildren<PageProps>) {
  const elder = useElderMode();
  const classes = ['app-page', elder ? ELDER_CLASS : '', className ?? ''].filter(Boolean).join(' ');
  // On H5 the page is the document's one main landmark, so every piece of content sits in a region.
  const landmark = process.env.TARO_ENV === 'h5' ? ({ role: 'main' } as object) : {};
  return (
    <View className={classes} {...landmark}>
      {children}
    </View>
  );
}
