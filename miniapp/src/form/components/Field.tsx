import { Text, View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';

/** The anchor id of a field, for scrolling to it and for its label and error ids. */
export const fieldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export interface FieldProps {
  path: string;
  label: string;
  hint?: string;
  error?: string;
  /** On H5 the label is a real <label for> of a native control; groups name themselves instead. */
  labelFor?: boolean;
}

/** A field's frame: label, a one-line hint, the control, and its error in red right under it. */
export function Field({ path, label, hint, error, labelFor = true, children }: PropsWithChildren<FieldProps>) {
  const id = fieldId(path);
  const h5 = process.env.TARO_ENV === 'h5';
  return (
    <View className={`field${error ? ' has-error' : ''}`} id={`${id}-wrap`}>
      {h5 && labelFor ? (
        <label className="field-label" htmlFor={id} id={`${id}-label`}>
          {label}
        </label>
      ) : (
        <Text className="field-label" id={`${id}-label`}>
          {label}
        </Text>
      )}
      {hint ? (
        <Text className="field-hint" id={`${id}-hint`}>
          {hint}
        </Text>
      ) : null}
      {children}
      {error ? (
        <Text className="field-error" id={`${id}-error`}>
          {error}
        </Text>
      ) : null}
    </View>
  );
}

/** aria-describedby for a control: its hint and its error. */
export function describedBy(path: string, hint?: string, error?: string): string | undefined {
  const id = fieldId(path);
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
