import type { Guide } from '@birth/shared';
import { getAt, type FieldErrors, type Obj } from '../model';
import { optionsFor, type FieldDef } from '../fields';
import { ChoiceGroup } from './ChoiceGroup';
import { DateTimeField } from './DateTimeField';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

export interface FormFieldProps {
  def: FieldDef;
  values: Obj;
  errors: FieldErrors;
  guide?: Guide;
  onChange: (path: string, value: unknown) => void;
  onBlur: (path: string) => void;
}

/** One field of the application, drawn by its kind from the field table. */
export function FormField({ def, values, errors, guide, onChange, onBlur }: FormFieldProps) {
  const value = getAt(values, def.path);
  const common = { path: def.path, label: def.label, hint: def.hint, error: errors[def.path] };
  switch (def.kind) {
    case 'choice':
      return (
        <ChoiceGroup
          {...common}
          choices={optionsFor(def, guide)}
          value={typeof value === 'string' ? value : undefined}
          inline={(def.choices?.length ?? 0) > 2 || def.path.endsWith('.sex')}
          onChange={(v) => onChange(def.path, v)}
        />
      );
    case 'select':
      return (
        <SelectField
          {...common}
          options={optionsFor(def, guide)}
          placeholder={def.placeholder}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v) => onChange(def.path, v)}
        />
      );
    case 'datetime':
      return (
        <DateTimeField
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v) => onChange(def.path, v)}
        />
      );
    default:
      return (
        <TextField
          {...common}
          kind={def.kind === 'phone' ? 'phone' : def.kind === 'idcard' ? 'idcard' : 'text'}
          placeholder={def.placeholder}
          maxLength={def.kind === 'phone' ? 13 : def.kind === 'idcard' ? 18 : 120}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v) => onChange(def.path, v)}
          onBlur={() => onBlur(def.path)}
        />
      );
  }
}
