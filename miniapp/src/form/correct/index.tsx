import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ITEM_CATALOGUE, isItemKey, type ItemKey } from '@birth/shared';
import { AppButton } from '../../components/AppButton';
import { Heading } from '../../components/Heading';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { useGuide } from '../../hooks/useGuide';
import { ROUTES, goBack, replaceWithProgress } from '../../navigation';
import { getApplication, resubmitItem } from '../../services/api';
import { ApiError } from '../../services/http';
import type { ApplicationView, RejectionReason } from '@birth/shared';
import { fieldLabel } from '../../utils/progress';
import { newIdempotencyKey } from '../../utils/ids';
import { DeliveryEditor } from '../components/DeliveryEditor';
import { FormField } from '../components/FormField';
import { PhotosStep, type PhotoStates } from '../components/PhotosStep';
import { fieldDef } from '../fields';
import {
  changes,
  checkField,
  correctionPlan,
  errorsFromServer,
  getAt,
  sectionOf,
  setAt,
  validateSections,
  type FieldErrors,
  type Obj,
} from '../model';
import { PHOTO_KINDS } from '../photo';
import { scrollToField } from '../useApplicationForm';
import '../../components/progress/progress.css';
import '../form.css';

type Loaded = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; view: ApplicationView };

/**
 * 更正: one rejected item, every reason the department gave, and only the fields (and photos) those
 * reasons point at; 重新提交 sends that item back alone.
 */
export default function Correct() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const itemKey = (params.item && isItemKey(params.item) ? params.item : undefined) as ItemKey | undefined;
  const guide = useGuide();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [values, setValues] = useState<Obj>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PhotoStates>({});
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const baseline = useRef<Obj>({});
  const key = useRef(newIdempotencyKey('resubmit'));

  useEffect(() => {
    if (!id || !itemKey) {
      setLoaded({ status: 'error', message: '没有指明要更正哪一项，请从“办理进度”进入' });
      return;
    }
    getApplication(id).then(
      ({ data }) => {
        baseline.current = data.data ?? {};
        setValues(data.data ?? {});
        setLoaded({ status: 'ready', view: data });
      },
      (error: unknown) =>
        setLoaded({ status: 'error', message: error instanceof ApiError ? error.message : '没有取到这份申请，请稍后再试' }),
    );
  }, [id, itemKey]);

  const item = loaded.status === 'ready' ? loaded.view.items.find((i) => i.key === itemKey) : undefined;
  const reasons: RejectionReason[] = item?.rejection?.reasons ?? [];
  const plan = useMemo(() => (itemKey ? correctionPlan(itemKey, reasons) : undefined), [itemKey, reasons]);
  const photoKinds = PHOTO_KINDS.filter((p) => plan?.photos.includes(p.kind));

  const onChange = (path: string, value: unknown) => {
    setValues((v) => setAt(v, path, value));
    setErrors((e) => {
      const next = { ...e };
      delete next[path];
      return next;
    });
  };
  const onBlur = (path: string) => {
    const found = checkField(values, path);
    setErrors((e) => {
      const next = { ...e };
      if (found) next[path] = found;
      else delete next[path];
      return next;
    });
  };

  const resubmit = async () => {
    if (busy || !plan || !itemKey) return;
    const sections = [...new Set([...plan.fields.map(sectionOf), ...(plan.deliveries.length ? ['delivery'] : [])])];
    const found = validateSections(values, sections);
    if (Object.keys(found).length) {
      setErrors(found);
      setMessage(`有 ${Object.keys(found).length} 处需要修改，已用红字标出。`);
      scrollToField(Object.keys(found)[0]);
      return;
    }
    const corrections = changes(baseline.current, values);
    const photosDone = photoKinds.some((p) => photos[p.kind]?.status === 'done');
    if (Object.keys(corrections).length === 0 && !photosDone) {
      setMessage('您还没有修改任何内容。请按上面的退回原因修改后再重新提交。');
      return;
    }
    setBusy(true);
    setMessage(undefined);
    try {
      await resubmitItem(id, itemKey, { corrections, ...(note.trim() ? { note: note.trim() } : {}) }, key.current);
      replaceWithProgress(id, { resubmitted: itemKey });
    } catch (error: unknown) {
      if (error instanceof ApiError && error.errors.length) {
        const { fieldErrors } = errorsFromServer(error.errors);
        setErrors(fieldErrors);
        const shown = Object.keys(fieldErrors).filter((p) => plan.fields.includes(p));
        if (shown[0]) scrollToField(shown[0]);
        const elsewhere = Object.entries(fieldErrors).filter(([p]) => !plan.fields.includes(p) && !p.startsWith('delivery'));
        setMessage([error.message, ...elsewhere.map(([p, m]) => `${fieldLabel(p) ?? p}：${m}`)].join('\n'));
        key.current = newIdempotencyKey('resubmit');
      } else {
        setMessage(error instanceof ApiError ? error.message : '重新提交没有成功，请稍后再试');
      }
    } finally {
      setBusy(false);
    }
  };

  const name = itemKey ? ITEM_CATALOGUE[itemKey].name : '';
  const guideData = guide.status === 'ready' ? guide.guide : undefined;
  return (
    <Page className="correct">
      <PageHeader title="更正信息" subtitle={name ? `更正“${name}”` : undefined} backTo={ROUTES.applications} />
      {loaded.status === 'loading' ? <LoadingCard text="正在打开退回原因…" /> : null}
      {loaded.status === 'error' ? <ErrorCard title="没有打开更正页面" message={loaded.message} /> : null}
      {loaded.status === 'ready' && item?.state !== 'rejected' ? (
        <ErrorCard title={`“${name}”不需要更正`} message={`这一项现在是“${item?.stateLabel ?? '未办理'}”，不用更正。`}>
          <AppButton type="primary" size="large" onClick={() => goBack(ROUTES.applications)}>
            返回办理进度
          </AppButton>
        </ErrorCard>
      ) : null}
      {loaded.status === 'ready' && item?.state === 'rejected' && plan ? (
        <>
          <View className="card rejection correct-reasons" role="region" aria-label="退回原因">
            <Heading level={2} className="rejection-title">
              {item.departmentName}退回了“{name}”，共 {reasons.length} 处
            </Heading>
            {reasons.map((reason, index) => (
              <View className="rejection-reason" key={`${index}-${reason.message}`}>
                <Text className="rejection-index">{index + 1}</Text>
                <View className="rejection-body">
                  {fieldLabel(reason.field) ? <Text className="rejection-field">{fieldLabel(reason.field)}</Text> : null}
                  <Text className="rejection-message">{reason.message}</Text>
                </View>
              </View>
            ))}
            <Text className="rejection-after">只需改下面这几项，然后重新提交“{name}”；其他事项照常办理，不受影响。</Text>
          </View>

          {message ? (
            <View className="form-notice is-error" role="alert">
              {message}
            </View>
          ) : null}

          {plan.fields.length ? (
            <View className="card form-card">
              {plan.fields.map((path) => {
                const def = fieldDef(path);
                if (!def || (def.when && !def.when(values))) return null;
                return (
                  <FormField
                    key={path}
                    def={def}
                    values={values}
                    errors={errors}
                    guide={guideData}
                    onChange={onChange}
                    onBlur={onBlur}
                  />
                );
              })}
            </View>
          ) : null}

          {plan.deliveries.map((key) => (
            <View className="card form-card" key={key}>
              <Heading level={2} className="card-title">
                {ITEM_CATALOGUE[key].name}的领取方式
              </Heading>
              <DeliveryEditor
                path={`delivery.${key}`}
                value={getAt(values, `delivery.${key}`) as Obj | undefined}
                values={values}
                errors={errors}
                guide={guideData}
                onChange={(d) => onChange(`delivery.${key}`, d)}
                onBlur={onBlur}
              />
            </View>
          ))}

          {photoKinds.length ? (
            <PhotosStep
              applicationId={id}
              kinds={photoKinds.map((p) => p.kind)}
              states={photos}
              onState={(k, s) => setPhotos((p) => ({ ...p, [k]: s }))}
            />
          ) : null}

          <View className="card form-card">
            <Text className="field-label" id="correct-note-label">
              补充说明（可不填）
            </Text>
            <Textarea
              className="text-input correct-note"
              value={note}
              maxlength={500}
              placeholder="想告诉办理部门的话，例如“已按户口簿首页改正地址”"
              ariaLabel="补充说明（可不填）"
              onInput={(e) => setNote(e.detail.value)}
            />
          </View>

          <View className="form-actions">
            <AppButton
              className="resubmit-button"
              type="primary"
              size="xlarge"
              block
              loading={busy}
              disabled={busy}
              onClick={() => void resubmit()}
            >
              {busy ? '正在提交…' : `重新提交“${name}”`}
            </AppButton>
            <AppButton fill="outline" type="primary" size="large" block onClick={() => goBack(ROUTES.applications)}>
              先不改，返回
            </AppButton>
          </View>
        </>
      ) : null}
    </Page>
  );
}
