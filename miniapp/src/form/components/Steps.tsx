import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import {
  CONSENT_KEYS,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  prerequisitesOf,
  type Guide,
  type IdentityFillTarget,
  type ItemKey,
  type VerifiedIdentity,
} from '@birth/shared';
import { Heading } from '../../components/Heading';
import { CONSENT_TEXTS, FIELDS, displayValue, fieldsOfSections } from '../fields';
import { STEPS, getAt, physicalChosen, setAt, type FieldErrors, type Obj, type StepKey } from '../model';
import { ChoiceGroup } from './ChoiceGroup';
import { DeliveryEditor } from './DeliveryEditor';
import { Field } from './Field';
import { FormField } from './FormField';
import { IdentityFill } from './IdentityFill';
import { regionName } from '../areas';

export interface StepProps {
  values: Obj;
  errors: FieldErrors;
  guide?: Guide;
  onChange: (path: string, value: unknown) => void;
  onUpdate: (fn: (values: Obj) => Obj) => void;
  onBlur: (path: string) => void;
  /** The parent's verified identity (masked), when the login had one. */
  identity?: VerifiedIdentity;
  /** Has the BFF write that identity into these parts of the draft. */
  onFillIdentity?: (into: IdentityFillTarget[]) => void;
  busy?: boolean;
}

const ROLE_NAMES: Record<string, string> = { mother: '母亲', father: '父亲' };

/** The plain fields of a step, from the field table; a parent's step offers the verified identity first. */
export function FieldsStep({ sections, ...props }: StepProps & { sections: readonly string[] }) {
  const { identity, onFillIdentity } = props;
  const role = sections.find((s) => s === 'mother' || s === 'father') as 'mother' | 'father' | undefined;
  return (
    <View className="card form-card">
      {role && identity && onFillIdentity ? (
        <IdentityFill
          identity={identity}
          action={`我是${ROLE_NAMES[role]}，一键填入`}
          filled={!!identity.phone && getAt(props.values, `${role}.phone`) === identity.phone}
          busy={props.busy}
          onFill={() => onFillIdentity([role])}
        />
      ) : null}
      {fieldsOfSections(sections, props.values).map((def) => (
        <FormField key={def.path} def={def} {...props} />
      ))}
    </View>
  );
}

function itemNote(key: ItemKey): string {
  const item = ITEM_CATALOGUE[key];
  const dept = `由${
    { hospital: '出生医院', police: '落户地派出所', medical_insurance: '医保经办机构', social_security: '社保卡管理服务机构' }[
      item.department
    ]
  }办理`;
  if (item.needs.length === 0) return `${dept}；其他事项都要先办好它，必须选择`;
  return `${dept}；要等“${item.needs.map((n) => ITEM_CATALOGUE[n].name).join('、')}”办好后才开始`;
}

/** The five items, all chosen at first; choosing one chooses what it needs, dropping one drops what needs it. */
export function ItemsStep({ values, errors, onUpdate }: StepProps) {
  const chosen = (getAt(values, 'items') as ItemKey[] | undefined) ?? [];
  const toggle = (key: ItemKey) => {
    if (key === 'birth_certificate') return;
    onUpdate((v) => {
      const current = new Set((getAt(v, 'items') as ItemKey[] | undefined) ?? []);
      if (current.has(key)) {
        current.delete(key);
        for (const other of ITEM_KEYS) if (prerequisitesOf(other).includes(key)) current.delete(other);
      } else {
        current.add(key);
        prerequisitesOf(key).forEach((need) => current.add(need));
      }
      return setAt(
        v,
        'items',
        ITEM_KEYS.filter((k) => current.has(k)),
      );
    });
  };
  return (
    <View className="card form-card">
      <ChoiceGroup
        path="items"
        label="要办哪几件事"
        hint="已为您全部选上，一般不用改"
        multiple
        choices={ITEM_KEYS.map((key) => ({ value: key, label: ITEM_CATALOGUE[key].name, note: itemNote(key) }))}
        value={chosen}
        error={errors.items}
        onChange={toggle}
      />
    </View>
  );
}

/** How each document reaches the parents: one choice for all of them, or one per document. */
export function DeliveryStep({ values, errors, guide, onUpdate, onBlur, identity, onFillIdentity, busy }: StepProps) {
  const keys = physicalChosen(values);
  const deliveries = keys.map((k) => getAt(values, `delivery.${k}`));
  const allSame = deliveries.every((d) => JSON.stringify(d) === JSON.stringify(deliveries[0]));
  const [same, setSame] = useState(allSame);
  if (keys.length === 0) {
    return (
      <View className="card form-card">
        <Text>您选的事项没有实体证件，不用选择领取方式。</Text>
      </View>
    );
  }
  const setFor = (targets: ItemKey[], delivery: Obj) =>
    onUpdate((v) => targets.reduce((acc, k) => setAt(acc, `delivery.${k}`, delivery), v));
  /** 收件人填我本人: the verified name and phone into these mailed documents (the BFF writes them). */
  const identityFor = (targets: ItemKey[]) =>
    identity && onFillIdentity
      ? {
          identity,
          busy,
          onFill: () => onFillIdentity(targets.map((k) => `delivery.${k}` as IdentityFillTarget)),
        }
      : undefined;
  return (
    <>
      <View className="card form-card">
        <ChoiceGroup
          path="delivery.same"
          label={`${keys.length}个证件怎么拿`}
          choices={[
            { value: 'same', label: '全部用同一种方式', note: keys.map((k) => ITEM_CATALOGUE[k].name).join('、') },
            { value: 'each', label: '每个证件分别选择' },
          ]}
          value={same ? 'same' : 'each'}
          onChange={(v) => {
            setSame(v === 'same');
            if (v === 'same' && deliveries[0]) setFor(keys, deliveries[0] as Obj);
          }}
        />
      </View>
      {same ? (
        <View className="card form-card">
          <DeliveryEditor
            path={`delivery.${keys[0]}`}
            value={deliveries[0] as Obj | undefined}
            values={values}
            errors={errors}
            guide={guide}
            identityFill={identityFor(keys)}
            onChange={(d) => setFor(keys, d)}
            onBlur={onBlur}
          />
        </View>
      ) : (
        keys.map((key, i) => (
          <View className="card form-card" key={key}>
            <Heading level={2} className="card-title">
              {ITEM_CATALOGUE[key].name}
            </Heading>
            <DeliveryEditor
              path={`delivery.${key}`}
              value={deliveries[i] as Obj | undefined}
              values={values}
              errors={errors}
              guide={guide}
              identityFill={identityFor([key])}
              onChange={(d) => setFor([key], d)}
              onBlur={onBlur}
            />
          </View>
        ))
      )}
    </>
  );
}

/** Each consent on its own, explained in one plain sentence, with its full text one tap away; none pre-ticked. */
export function ConsentsStep({ values, errors, onChange }: StepProps) {
  const [open, setOpen] = useState<string | undefined>();
  const h5 = process.env.TARO_ENV === 'h5';
  return (
    <View className="card form-card">
      <Text className="consents-lead">下面每一项都需要您单独勾选同意，才能提交申请。</Text>
      {CONSENT_KEYS.map((key) => {
        const path = `consents.${key}`;
        const on = getAt(values, path) === true;
        const text = CONSENT_TEXTS[key];
        const a11y = h5 ? ({ role: 'checkbox', 'aria-checked': on ? 'true' : 'false', tabIndex: 0 } as object) : {};
        const linkA11y = h5 ? ({ role: 'button', tabIndex: 0, 'aria-expanded': open === key ? 'true' : 'false' } as object) : {};
        return (
          <Field key={key} path={path} label={text.title} error={errors[path]} labelFor={false}>
            <View className={`choice consent${on ? ' is-on' : ''}`} {...a11y} onClick={() => onChange(path, on ? false : true)}>
              <View className="choice-tick is-box" aria-hidden>
                {on ? '✓' : ''}
              </View>
              <View className="choice-body">
                <Text className="choice-label">我同意：{text.title}</Text>
                <Text className="choice-note">{text.text}</Text>
              </View>
            </View>
            <View className="consent-link" {...linkA11y} onClick={() => setOpen(open === key ? undefined : key)}>
              <Text>{open === key ? '收起全文' : '查看全文'}</Text>
            </View>
            {open === key ? <Text className="consent-full">{text.full}</Text> : null}
          </Field>
        );
      })}
    </View>
  );
}

function ReviewRow({ label, value }: { label: string; value: string }) {
  return (
    <View className="review-row">
      <Text className="review-row-label">{label}</Text>
      <Text className="review-row-value">{value}</Text>
    </View>
  );
}

function deliveryText(delivery: unknown, guide?: Guide): string {
  const d = delivery as Obj | undefined;
  if (!d?.method) return '未选择';
  if (d.method === 'pickup') {
    const point = guide?.pickupPoints.find((p) => p.id === d.pickupPointId);
    return `到窗口自取：${point ? point.name : '未选择地点'}`;
  }
  return `邮寄给 ${String(d.recipient ?? '')} ${String(d.phone ?? '')}，${regionName(d.regionCode)}${String(d.addressDetail ?? '')}`;
}

/** Check your answers: every section with a 修改 that opens its step, and the field errors still open. */
export function ReviewStep({
  values,
  errors,
  guide,
  onEdit,
  photosSummary,
}: StepProps & { onEdit: (step: StepKey) => void; photosSummary: string }) {
  const sections = STEPS.filter((s) => s.key !== 'review');
  const h5 = process.env.TARO_ENV === 'h5';
  return (
    <>
      {sections.map((step) => {
        const stepErrors = Object.keys(errors).filter((p) => step.sections.includes(p.split('.')[0]));
        let rows: { label: string; value: string }[];
        if (step.key === 'items') {
          const chosen = (getAt(values, 'items') as ItemKey[] | undefined) ?? [];
          rows = [{ label: '事项', value: chosen.map((k) => ITEM_CATALOGUE[k].name).join('、') || '未选择' }];
        } else if (step.key === 'delivery') {
          rows = physicalChosen(values).map((k) => ({
            label: ITEM_CATALOGUE[k].name,
            value: deliveryText(getAt(values, `delivery.${k}`), guide),
          }));
        } else if (step.key === 'consents') {
          const given = CONSENT_KEYS.filter((k) => getAt(values, `consents.${k}`) === true).length;
          rows = [{ label: '已同意', value: `${given} / ${CONSENT_KEYS.length} 项` }];
        } else if (step.key === 'photos') {
          rows = [{ label: '照片', value: photosSummary }];
        } else {
          rows = FIELDS.filter((f) => step.sections.includes(f.path.split('.')[0]) && (!f.when || f.when(values))).map((f) => ({
            label: f.label,
            value: displayValue(f, getAt(values, f.path), guide),
          }));
        }
        const editA11y = h5 ? ({ role: 'button', tabIndex: 0, 'aria-label': `修改${step.title}` } as object) : {};
        return (
          <View className={`card review-card${stepErrors.length ? ' has-error' : ''}`} key={step.key}>
            <View className="review-head">
              <Heading level={2} className="review-title">
                {step.title}
              </Heading>
              <View className="review-edit" {...editA11y} onClick={() => onEdit(step.key)}>
                <Text aria-hidden>修改</Text>
              </View>
            </View>
            {stepErrors.map((p) => (
              <Text className="field-error" key={p}>
                {errors[p]}
              </Text>
            ))}
            {rows.map((r) => (
              <ReviewRow key={r.label} label={r.label} value={r.value} />
            ))}
          </View>
        );
      })}
    </>
  );
}

export function StepIndicator({ step }: { step: StepKey }) {
  const index = STEPS.findIndex((s) => s.key === step);
  return (
    <View className="step-indicator" aria-label={`第${index + 1}步，共${STEPS.length}步`}>
      <View className="step-indicator-bar" aria-hidden>
        {STEPS.map((s, i) => (
          <View key={s.key} className={`step-indicator-dot${i < index ? ' is-done' : i === index ? ' is-current' : ''}`} />
        ))}
      </View>
      <Text className="step-indicator-text">
        第 {index + 1} 步，共 {STEPS.length} 步{index < STEPS.length - 1 ? ` · 下一步：${STEPS[index + 1].title}` : ''}
      </Text>
    </View>
  );
}
