import { Text, View } from '@tarojs/components';
import { Field, fieldId } from './Field';

export interface Choice<T extends string> {
  value: T;
  label: string;
  /** One plain line under the label. */
  note?: string;
}

export interface ChoiceGroupProps<T extends string> {
  path: string;
  label: string;
  choices: readonly Choice<T>[];
  /** One value (radio) or several (checkbox). */
  value: T | T[] | undefined;
  onChange: (value: T) => void;
  multiple?: boolean;
  hint?: string;
  error?: string;
  /** Side by side (short labels such as 男 / 女). */
  inline?: boolean;
}

/**
 * Big tap targets for a choice: each option is a card with a tick. On H5 they carry the radio or
 * checkbox role and state, and app.ts gives them Space/Enter.
 */
export function ChoiceGroup<T extends string>(props: ChoiceGroupProps<T>) {
  const { path, label, choices, value, onChange, multiple, hint, error, inline } = props;
  const h5 = process.env.TARO_ENV === 'h5';
  const id = fieldId(path);
  const isOn = (v: T) => (Array.isArray(value) ? value.includes(v) : value === v);
  const group = h5 ? ({ role: multiple ? 'group' : 'radiogroup', 'aria-labelledby': `${id}-label` } as object) : {};
  return (
    <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
      <View className={`choices${inline ? ' is-inline' : ''}`} id={id} {...group}>
        {choices.map((choice) => {
          const on = isOn(choice.value);
          const a11y = h5
            ? ({ role: multiple ? 'checkbox' : 'radio', 'aria-checked': on ? 'true' : 'false', tabIndex: 0 } as object)
            : {};
          return (
            <View key={choice.value} className={`choice${on ? ' is-on' : ''}`} {...a11y} onClick={() => onChange(choice.value)}>
              <View className={`choice-tick${multiple ? ' is-box' : ''}`} aria-hidden>
                {on ? '✓' : ''}
              </View>
              <View className="choice-body">
                <Text className="choice-label">{choice.label}</Text>
                {choice.note ? <Text className="choice-note">{choice.note}</Text> : null}
              </View>
            </View>
          );
        })}
      </View>
    </Field>
  );
}
