import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { AppButton } from '../../components/AppButton';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { useGuide } from '../../hooks/useGuide';
import { ROUTES, replaceWithProgress } from '../../navigation';
import { verifiedIdentity } from '../../services/session';
import { PhotosStep, photosSummary, type PhotoStates } from '../components/PhotosStep';
import {
  ConsentsStep,
  DeliveryStep,
  FieldsStep,
  ItemsStep,
  ReviewStep,
  StepIndicator,
  type StepProps,
} from '../components/Steps';
import { STEPS, stepIndex } from '../model';
import { useApplicationForm } from '../useApplicationForm';
import '../form.css';

/** 填写申请: the form as a short sequence of screens, saved on every 下一步, ending with 核对并提交. */
export default function Apply() {
  const { params } = useRouter();
  const guide = useGuide();
  const form = useApplicationForm(params.id || undefined, guide.status === 'ready' ? guide.guide.hospitals : undefined);
  const [photos, setPhotos] = useState<PhotoStates>({});
  // Masked, from this device's last login; the BFF holds the real values.
  const [identity] = useState(verifiedIdentity);
  const step = STEPS[stepIndex(form.step)];
  const props: StepProps = {
    values: form.values,
    errors: form.errors,
    guide: guide.status === 'ready' ? guide.guide : undefined,
    onChange: form.setValue,
    onUpdate: form.update,
    onBlur: form.blur,
    identity,
    onFillIdentity: (into) => void form.fillFromIdentity(into),
    busy: form.busy !== undefined,
  };

  const submit = async () => {
    const done = await form.submit();
    if (done) replaceWithProgress(done.id, { submitted: '1' });
  };

  const first = stepIndex(form.step) === 0;
  const review = form.step === 'review';
  return (
    <Page className="apply">
      <PageHeader title={step.title} subtitle={params.id ? '继续填写申请' : '出生“一件事”申请'} backTo={ROUTES.home}>
        <StepIndicator step={form.step} />
      </PageHeader>

      {form.load.status === 'loading' || guide.status === 'loading' ? <LoadingCard text="正在打开申请…" /> : null}
      {form.load.status === 'error' ? <ErrorCard title="没有打开这份申请" message={form.load.message} /> : null}
      {guide.status === 'error' ? (
        <ErrorCard title="办事指南没有加载出来" message={guide.message} onRetry={guide.reload} />
      ) : null}

      {form.load.status === 'ready' && guide.status === 'ready' ? (
        <>
          {form.notice ? (
            <View className={`form-notice is-${form.notice.tone}`} role={form.notice.tone === 'info' ? 'status' : 'alert'}>
              {form.notice.text}
            </View>
          ) : null}

          {step.sections
            .filter((section) => form.errors[section])
            .map((section) => (
              <View className="form-notice is-error" key={section}>
                {form.errors[section]}
              </View>
            ))}
          <View className={`form-step step-${form.step}`}>
            {form.step === 'newborn' || form.step === 'mother' || form.step === 'father' || form.step === 'household' ? (
              <FieldsStep sections={step.sections} {...props} />
            ) : null}
            {form.step === 'items' ? <ItemsStep {...props} /> : null}
            {form.step === 'delivery' ? <DeliveryStep {...props} /> : null}
            {form.step === 'photos' ? (
              <PhotosStep
                applicationId={form.id}
                states={photos}
                onState={(kind, state) => setPhotos((p) => ({ ...p, [kind]: state }))}
              />
            ) : null}
            {form.step === 'consents' ? <ConsentsStep {...props} /> : null}
            {review ? <ReviewStep {...props} onEdit={form.goTo} photosSummary={photosSummary(photos)} /> : null}
          </View>

          <View className="form-actions">
            {review ? (
              <>
                <Text className="form-actions-note">提交后，信息会同时推送给医院、派出所、医保和社保部门，4个工作日内办结。</Text>
                <AppButton
                  className="submit-button"
                  type="primary"
                  size="xlarge"
                  block
                  loading={form.busy === 'submitting'}
                  disabled={form.busy !== undefined}
                  onClick={() => void submit()}
                >
                  {form.busy === 'submitting' ? '正在提交…' : '提交申请'}
                </AppButton>
              </>
            ) : (
              <AppButton
                className="next-button"
                type="primary"
                size="xlarge"
                block
                loading={form.busy === 'saving'}
                disabled={form.busy !== undefined}
                onClick={() => void form.next()}
              >
                {form.busy === 'saving' ? '正在保存…' : '下一步'}
              </AppButton>
            )}
            {!first ? (
              <AppButton className="prev-button" fill="outline" type="primary" size="large" block onClick={form.back}>
                上一步
              </AppButton>
            ) : null}
            <Text className="form-actions-note">每点一次“下一步”都会自动保存，换一台手机也能接着填。</Text>
          </View>
        </>
      ) : null}
    </Page>
  );
}
