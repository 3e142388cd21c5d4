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
  return <View className={classes}>{children}</View>;
}
