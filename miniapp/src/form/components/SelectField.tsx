import { Picker, View, Text } from '@tarojs/components';
import { Field, describedBy, fieldId } from './Field';

export interface Option {
  value: string;
  label: string;
}

export interface SelectFieldProps {
  path: string;
  label: string;
  options: readonly Option[];
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  placeholder?: string;
  hint?: string;
  error?: string;
}

/** Pick one from a list: a native <select> on H5, Taro's Picker in mini programs. */
export function SelectField({ path, label, options, value, onChange, placeholder = '请选择', hint, error }: SelectFieldProps) {
  const id = fieldId(path);
  if (process.env.TARO_ENV === 'h5') {
    return (
      <Field path={path} label={label} hint={hint} error={error}>
        <select
          id={id}
          className="select-input"
          value={value ?? ''}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(path, hint, error)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        >
          <option value="">{placeholder}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
    );
  }
  const index = options.findIndex((o) => o.value === value);
  return (
    <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
      <Picker
        mode="selector"
        range={options.map((o) => o.label)}
        value={index < 0 ? 0 : index}
        onChange={(e) => onChange(options[Number(e.detail.value)]?.value)}
      >
        <View className="select-input" id={id}>
          <Text>{index < 0 ? placeholder : options[index].label}</Text>
        </View>
      </Picker>
    </Field>
  );
}
