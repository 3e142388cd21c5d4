import { Picker, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { chinaDaysAgo, joinChinaDateTime, splitChinaDateTime } from '../model';
import { Field, describedBy, fieldId } from './Field';

export interface DateTimeFieldProps {
  path: string;
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  hint?: string;
  error?: string;
}

const QUICK_DAYS = [
  { days: 0, label: '今天' },
  { days: 1, label: '昨天' },
  { days: 2, label: '前天' },
];

/**
 * A date and a time of day in China time, kept as one ISO value with +08:00. Quick buttons for the last
 * three days (most parents apply within days); the phone's own date and time pickers for anything else.
 */
export function DateTimeField({ path, label, value, onChange, hint, error }: DateTimeFieldProps) {
  const [parts, setParts] = useState(() => splitChinaDateTime(value));
  useEffect(() => {
    const next = splitChinaDateTime(value);
    if (next.date) setParts(next);
  }, [value]);
  const id = fieldId(path);
  const update = (next: { date?: string; time?: string }) => {
    const merged = { ...parts, ...next };
    setParts(merged);
    onChange(joinChinaDateTime(merged.date, merged.time));
  };
  const h5 = process.env.TARO_ENV === 'h5';
  const today = chinaDaysAgo(0);
  return (
    <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
      <View className="quick-days">
        {QUICK_DAYS.map((q) => {
          const date = chinaDaysAgo(q.days);
          const on = parts.date === date;
          const a11y = h5 ? ({ role: 'radio', 'aria-checked': on ? 'true' : 'false', tabIndex: 0 } as object) : {};
          return (
            <View key={q.days} className={`quick-day${on ? ' is-on' : ''}`} {...a11y} onClick={() => update({ date })}>
              <Text>{q.label}</Text>
            </View>
          );
        })}
      </View>
      {h5 ? (
        <View className="date-time">
          <label className="date-time-part">
            <Text className="date-time-caption">出生日期</Text>
            <input
              id={id}
              className="text-input"
              type="date"
              max={today}
              value={parts.date ?? ''}
              aria-describedby={describedBy(path, hint, error)}
              onChange={(e) => update({ date: e.target.value || undefined })}
            />
          </label>
          <label className="date-time-part">
            <Text className="date-time-caption">出生时间（几点几分）</Text>
            <input
              id={`${id}-time`}
              className="text-input"
              type="time"
              value={parts.time ?? ''}
              aria-describedby={describedBy(path, hint, error)}
              onChange={(e) => update({ time: e.target.value || undefined })}
            />
          </label>
        </View>
      ) : (
        <View className="date-time">
          <Picker mode="date" value={parts.date ?? today} end={today} onChange={(e) => update({ date: String(e.detail.value) })}>
            <View className="select-input" id={id}>
              <Text>{parts.date ? `出生日期：${parts.date}` : '选择出生日期'}</Text>
            </View>
          </Picker>
          <Picker mode="time" value={parts.time ?? '08:00'} onChange={(e) => update({ time: String(e.detail.value) })}>
            <View className="select-input">
              <Text>{parts.time ? `出生时间：${parts.time}` : '选择出生时间（几点几分）'}</Text>
            </View>
          </Picker>
        </View>
      )}
    </Field>
  );
}
