import { Text, View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';
import { AppButton } from './AppButton';
import { Heading } from './Heading';
import './LoadState.css';

/** A card with a spinner while something loads. */
export function LoadingCard({ text }: { text: string }) {
  return (
    <View className="card state" aria-live="polite">
      <View className="spinner" aria-hidden />
      <Text className="state-text">{text}</Text>
    </View>
  );
}

export interface ErrorCardProps {
  title: string;
  message: string;
  retryLabel?: string;
  onRetry?: () => void;
}

/** What went wrong, in the BFF's own Chinese words, and a way to try again. */
export function ErrorCard({ title, message, retryLabel = '重新加载', onRetry, children }: PropsWithChildren<ErrorCardProps>) {
  return (
    <View className="card state state-error" role="alert">
      <Heading level={2} className="state-title">
        {title}
      </Heading>
      <Text className="state-text">{message}</Text>
      {onRetry ? (
        <AppButton className="retry-button" type="primary" fill="outline" size="large" onClick={onRetry}>
          {retryLabel}
        </AppButton>
      ) : null}
      {children}
    </View>
  );
}
