import { Text, View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';
import { goBack } from '../navigation';
import { ElderToggle } from './ElderToggle';
import { Heading } from './Heading';
import './PageHeader.css';

export interface PageHeaderProps {
  title: string;
  subtitle?: string;
  /** Where 返回 goes when there is no previous page (the page was opened from a link or a notice). */
  backTo?: string;
}

/**
 * The blue band on top of every inner page: a 返回 button (H5 has no navigation bar of its own), the
 * 长辈模式 switch, so elder mode can be turned on wherever a parent is, and the page's one <h1>.
 */
export function PageHeader({ title, subtitle, backTo, children }: PropsWithChildren<PageHeaderProps>) {
  const h5 = process.env.TARO_ENV === 'h5';
  const backA11y = h5 ? ({ role: 'button', tabIndex: 0, 'aria-label': '返回上一页' } as object) : {};
  return (
    <View className="page-header">
      <View className="page-header-bar">
        {h5 ? (
          <View className="page-header-back" {...backA11y} onClick={() => goBack(backTo)}>
            <Text aria-hidden>‹ 返回</Text>
          </View>
        ) : (
          <Text className="page-header-tag">浙江省 · 新生儿联办</Text>
        )}
        <ElderToggle />
      </View>
      <Heading level={1} className="page-header-title">
        {title}
      </Heading>
      {subtitle ? <Text className="page-header-subtitle">{subtitle}</Text> : null}
      {children}
    </View>
  );
}
