import { View } from '@tarojs/components';
import type { Guide, VerifiedIdentity } from '@birth/shared';
import { DELIVERY_CHOICES } from '../fields';
import { defaultMail, type FieldErrors, type Obj } from '../model';
import { ChoiceGroup } from './ChoiceGroup';
import { IdentityFill } from './IdentityFill';
import { RegionField } from './RegionField';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

export interface DeliveryEditorProps {
  /** Where the errors and anchors of this delivery live, e.g. `delivery.birth_certificate`. */
  path: string;
  value: Obj | undefined;
  values: Obj;
  errors: FieldErrors;
  guide?: Guide;
  /** Offers the parent's verified identity as the recipient (mail only). */
  identityFill?: { identity: VerifiedIdentity; busy?: boolean; onFill: () => void };
  onChange: (delivery: Obj) => void;
  onBlur: (path: string) => void;
}

/** Mail (recipient, phone, 省/市/区, street address) or pickup (a point from the guide) for one document. */
export function DeliveryEditor({ path, value, values, errors, guide, identityFill, onChange, onBlur }: DeliveryEditorProps) {
  const method = value?.method as string | undefined;
  const set = (key: string, v: unknown) => {
    const next: Obj = { ...(value ?? {}) };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <View className="delivery-editor">
      <ChoiceGroup
        path={`${path}.method`}
        label="领取方式"
        choices={DELIVERY_CHOICES}
        value={method}
        error={errors[path] ?? errors[`${path}.method`]}
        onChange={(m) => {
          if (m === method) return;
          onChange(m === 'mail' ? defaultMail(values) : { method: 'pickup' });
        }}
      />
      {method === 'mail' ? (
        <>
          {identityFill ? (
            <IdentityFill
              identity={identityFill.identity}
              action="收件人填我本人"
              filled={!!identityFill.identity.phone && value?.phone === identityFill.identity.phone}
              busy={identityFill.busy}
              onFill={identityFill.onFill}
            />
          ) : null}
          <TextField
            path={`${path}.recipient`}
            label="收件人"
            hint="已填母亲的姓名，可以修改"
            value={value?.recipient as string | undefined}
            error={errors[`${path}.recipient`]}
            onChange={(v) => set('recipient', v)}
            onBlur={() => onBlur(`${path}.recipient`)}
          />
          <TextField
            path={`${path}.phone`}
            label="收件人手机号码"
            kind="phone"
            maxLength={13}
            value={value?.phone as string | undefined}
            error={errors[`${path}.phone`]}
            onChange={(v) => set('phone', v)}
            onBlur={() => onBlur(`${path}.phone`)}
          />
          <RegionField
            path={`${path}.regionCode`}
            label="收件地区"
            hint="目前只能寄到浙江省内"
            value={value?.regionCode as string | undefined}
            error={errors[`${path}.regionCode`]}
            onChange={(v) => set('regionCode', v)}
          />
          <TextField
            path={`${path}.addressDetail`}
            label="详细地址"
            placeholder="街道、小区、门牌号"
            value={value?.addressDetail as string | undefined}
            error={errors[`${path}.addressDetail`]}
            onChange={(v) => set('addressDetail', v)}
            onBlur={() => onBlur(`${path}.addressDetail`)}
          />
        </>
      ) : null}
      {method === 'pickup' ? (
        <SelectField
          path={`${path}.pickupPointId`}
          label="领取地点"
          placeholder="选择领取地点"
          options={(guide?.pickupPoints ?? []).map((p) => ({ value: p.id, label: `${p.name}（${p.address}）` }))}
          value={value?.pickupPointId as string | undefined}
          hint={
            value?.pickupPointId
              ? `领取时间：${guide?.pickupPoints.find((p) => p.id === value.pickupPointId)?.hours ?? ''}`
              : undefined
          }
          error={errors[`${path}.pickupPointId`]}
          onChange={(v) => set('pickupPointId', v)}
        />
      ) : null}
    </View>
  );
}
