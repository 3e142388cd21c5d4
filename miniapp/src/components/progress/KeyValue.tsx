import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';

export interface KeyValueProps {
  label: string;
  /** The value as text; rich values (a bar, several lines) use `children` instead. */
  value?: string;
  children?: ReactNode;
}

/** One labelled row of a progress card. */
export function KeyValue({ label, value, children }: KeyValueProps) {
  return (
    <View className="kv">
      <Text className="kv-label">{label}</Text>
      {children === undefined ? <Text className="kv-value">{value}</Text> : <View className="kv-value">{children}</View>}
    </View>
  );
}
