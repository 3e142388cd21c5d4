import { Picker, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { regionName, useAreaList } from '../areas';
import { Field, describedBy, fieldId } from './Field';

type Names = Record<string, string>;
const DEFAULT_PROVINCE = '330000';

const options = (list: Names, prefix: string, digits: number) =>
  Object.entries(list)
    .filter(([code]) => code.startsWith(prefix.slice(0, digits)))
    .map(([code, name]) => ({ code, name }));

export interface RegionFieldProps {
  path: string;
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  hint?: string;
  error?: string;
}

/**
 * 省 / 市 / 区县 from the maintained @vant/area-data (GB/T 2260 codes). The value is the county's code;
 * the province starts at 浙江省, where the documents can be mailed.
 */
export function RegionField({ path, label, value, onChange, hint, error }: RegionFieldProps) {
  const [province, setProvince] = useState(value ? `${value.slice(0, 2)}0000` : DEFAULT_PROVINCE);
  const [city, setCity] = useState(value ? `${value.slice(0, 4)}00` : '');
  useEffect(() => {
    if (value && /^\d{6}$/.test(value)) {
      setProvince(`${value.slice(0, 2)}0000`);
      setCity(`${value.slice(0, 4)}00`);
    }
  }, [value]);
  const areas = useAreaList();
  const id = fieldId(path);
  if (!areas) {
    return (
      <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
        <Text className="select-input" id={id}>
          正在加载地区…
        </Text>
      </Field>
    );
  }
  const provinces = options(areas.province_list as Names, '', 0);
  const cities = options(areas.city_list as Names, province, 2);
  const counties = city ? options(areas.county_list as Names, city, 4) : [];

  if (process.env.TARO_ENV === 'h5') {
    const described = describedBy(path, hint, error);
    return (
      <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
        <View className="region">
          <select
            className="select-input"
            aria-label="省"
            value={province}
            onChange={(e) => {
              setProvince(e.target.value);
              setCity('');
              onChange(undefined);
            }}
          >
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
          <select
            className="select-input"
            aria-label="市"
            value={city}
            onChange={(e) => {
              setCity(e.target.value);
              onChange(undefined);
            }}
          >
            <option value="">选择城市</option>
            {cities.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
          <select
            id={id}
            className="select-input"
            aria-label="区县"
            aria-describedby={described}
            aria-invalid={error ? true : undefined}
            value={value && value.startsWith(city.slice(0, 4)) ? value : ''}
            onChange={(e) => onChange(e.target.value || undefined)}
          >
            <option value="">选择区县</option>
            {counties.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </View>
      </Field>
    );
  }

  // Mini programs: one three-column picker.
  const columns = [provinces, cities, counties];
  const index = [
    Math.max(
      0,
      provinces.findIndex((p) => p.code === province),
    ),
    Math.max(
      0,
      cities.findIndex((c) => c.code === city),
    ),
    Math.max(
      0,
      counties.findIndex((c) => c.code === value),
    ),
  ];
  return (
    <Field path={path} label={label} hint={hint} error={error} labelFor={false}>
      <Picker
        mode="multiSelector"
        range={columns.map((col) => col.map((o) => o.name))}
        value={index}
        onColumnChange={(e) => {
          const { column, value: row } = e.detail;
          if (column === 0) {
            setProvince(provinces[row].code);
            setCity('');
          } else if (column === 1) setCity(cities[row]?.code ?? '');
        }}
        onChange={(e) => {
          const rows = e.detail.value as number[];
          onChange(counties[rows[2]]?.code);
        }}
      >
        <View className="select-input" id={id}>
          <Text>{value ? regionName(value, areas) : '选择 省 / 市 / 区县'}</Text>
        </View>
      </Picker>
    </Field>
  );
}
