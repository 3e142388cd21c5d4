import { Input, Text, View } from '@tarojs/components';
import { AppButton } from '../../components/AppButton';
import { Field, describedBy, fieldId } from './Field';

export interface TextFieldProps {
  path: string;
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  onBlur?: () => void;
  hint?: string;
  error?: string;
  placeholder?: string;
  /** Keyboard: digits for phones, ID numbers (with X) as text. */
  kind?: 'text' | 'phone' | 'idcard';
  maxLength?: number;
  autoComplete?: string;
}

/**
 * One line of text. H5 gets a native <input> (a real label, the phone's keyboard per `kind`, autofill);
 * mini programs get Taro's Input. A masked value (an ID or phone number already on file) is shown as
 * such, with 重新填写 to type it again.
 */
export function TextField(props: TextFieldProps) {
  const { path, label, value, onChange, onBlur, hint, error, placeholder, kind = 'text', maxLength, autoComplete } = props;
  const id = fieldId(path);
  if (typeof value === 'string' && value.includes('*')) {
    return (
      <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
        <View className="masked-value">
          <Text className="masked-value-text" id={id}>
            已填写：{value}
          </Text>
          <AppButton className="masked-value-button" fill="outline" type="primary" onClick={() => onChange('')}>
            重新填写
          </AppButton>
        </View>
      </Field>
    );
  }
  if (process.env.TARO_ENV === 'h5') {
    return (
      <Field path={path} label={label} hint={hint} error={error}>
        <input
          id={id}
          className="text-input"
          value={value ?? ''}
          placeholder={placeholder}
          maxLength={maxLength}
          inputMode={kind === 'phone' ? 'numeric' : 'text'}
          type={kind === 'phone' ? 'tel' : 'text'}
          autoComplete={autoComplete ?? 'off'}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(path, hint, error)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          onBlur={onBlur}
        />
      </Field>
    );
  }
  return (
    <Field path={path} label={label} hint={hint} error={error}>
      <Input
        id={id}
        className="text-input"
        value={value ?? ''}
        placeholder={placeholder}
        maxlength={maxLength ?? 140}
        type={kind === 'phone' ? 'number' : kind === 'idcard' ? 'idcard' : 'text'}
        ariaLabel={label}
        onInput={(e) => onChange(e.detail.value === '' ? undefined : e.detail.value)}
        onBlur={onBlur}
      />
    </Field>
  );
}
