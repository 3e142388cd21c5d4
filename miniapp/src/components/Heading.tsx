import { View } from '@tarojs/components';
import { createElement, type PropsWithChildren } from 'react';

export interface HeadingProps {
  level: 1 | 2 | 3;
  className?: string;
  id?: string;
}

/**
 * A real heading: `<h1>`…`<h3>` on H5 (screen readers and browser tests see the outline), and a View
 * with the heading role in mini programs, which have no heading elements.
 */
export function Heading({ level, className, id, children }: PropsWithChildren<HeadingProps>) {
  const classes = `heading heading-${level}${className ? ` ${className}` : ''}`;
  if (process.env.TARO_ENV === 'h5') {
    return createElement(`h${level}`, { className: classes, id }, children);
  }
  return (
    <View className={classes} id={id} ariaRole="heading" ariaLabel={typeof children === 'string' ? children : undefined}>
      {children}
    </View>
  );
}
