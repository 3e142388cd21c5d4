import { Image, Progress, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { AppButton } from '../../components/AppButton';
import { attachmentsPath } from '../../services/api';
import { ApiError, upload } from '../../services/http';
import { PHOTO_KINDS, compressPhoto, pickPhoto, type Picked, type PhotoKind } from '../photo';

export type PhotoState =
  | { status: 'empty' }
  | { status: 'working'; stage: '压缩中' | '上传中'; percent: number; preview?: string }
  | { status: 'done'; preview?: string; size?: number }
  | { status: 'failed'; message: string; preview?: string; retry?: Picked }
  | { status: 'rejected'; message: string; preview?: string }
  | { status: 'unavailable'; message: string };

export type PhotoStates = Partial<Record<PhotoKind, PhotoState>>;

/** What the check-answers screen says about the photos. */
export function photosSummary(states: PhotoStates): string {
  const done = PHOTO_KINDS.filter((p) => states[p.kind]?.status === 'done').length;
  if (PHOTO_KINDS.some((p) => states[p.kind]?.status === 'unavailable')) return '照片上传暂未开通，部门会通过电子证照核验身份';
  return `已上传 ${done} / ${PHOTO_KINDS.length} 张`;
}

export interface PhotosStepProps {
  applicationId?: string;
  /** Only these kinds (a correction asks for the photos its reasons name); all four by default. */
  kinds?: readonly PhotoKind[];
  states: PhotoStates;
  onState: (kind: PhotoKind, state: PhotoState) => void;
}

/**
 * Both parents' ID cards, front and back: take or choose, made small on the phone, sent with a progress
 * bar; a network failure keeps the photo for 重试, and the BFF's quality message comes with 重拍.
 */
export function PhotosStep({ applicationId, kinds, states, onState }: PhotosStepProps) {
  const [example, setExample] = useState(false);

  const send = async (kind: PhotoKind, photo: Picked) => {
    if (!applicationId) {
      onState(kind, { status: 'failed', message: '申请还没有保存，请返回上一步后再试', preview: photo.path });
      return;
    }
    onState(kind, { status: 'working', stage: '上传中', percent: 0, preview: photo.path });
    try {
      await upload({
        path: attachmentsPath(applicationId),
        filePath: photo.path,
        name: 'file',
        fileName: `${kind}.jpg`,
        formData: { kind },
        onProgress: (percent) => onState(kind, { status: 'working', stage: '上传中', percent, preview: photo.path }),
      });
      onState(kind, { status: 'done', preview: photo.path, size: photo.size });
    } catch (error: unknown) {
      const api = error instanceof ApiError ? error : undefined;
      if (api?.status === 404 || api?.status === 405) {
        onState(kind, {
          status: 'unavailable',
          message: '照片上传暂未开通。您可以先提交申请，部门会通过共享的电子证照核验父母身份。',
        });
      } else if (api && (api.status === 422 || api.status === 415 || api.status === 413)) {
        onState(kind, { status: 'rejected', message: api.message, preview: photo.path });
      } else {
        onState(kind, {
          status: 'failed',
          message: api?.message ?? '上传没有成功，请检查网络后点“重试”',
          preview: photo.path,
          retry: photo,
        });
      }
    }
  };

  const take = async (kind: PhotoKind) => {
    const picked = await pickPhoto();
    if (!picked) return;
    onState(kind, { status: 'working', stage: '压缩中', percent: 0, preview: picked.path });
    let small: Picked;
    try {
      small = await compressPhoto(picked);
    } catch (error: unknown) {
      onState(kind, { status: 'rejected', message: error instanceof Error ? error.message : '照片处理没有成功，请重拍' });
      return;
    }
    await send(kind, small);
  };

  const h5 = process.env.TARO_ENV === 'h5';
  const exampleA11y = h5 ? ({ role: 'button', tabIndex: 0, 'aria-expanded': example ? 'true' : 'false' } as object) : {};
  return (
    <>
      <View className="card form-card">
        <Text className="photos-lead">
          请拍父母双方身份证的正反面，共4张。平放在深色桌面上，四个角都拍进去，字看得清，不反光。
        </Text>
        <View className="consent-link" {...exampleA11y} onClick={() => setExample(!example)}>
          <Text>{example ? '收起示例' : '看看怎样算拍得好'}</Text>
        </View>
        {example ? (
          <View className="photo-example" aria-label="合格照片示例：身份证四角完整，文字清楚，没有反光">
            <View className="photo-example-card">
              <Text className="photo-example-line">姓名 李晓红</Text>
              <Text className="photo-example-line">公民身份号码 3301021992********</Text>
            </View>
            <Text className="photo-example-note">✓ 四角完整 ✓ 文字清楚 ✓ 没有反光和手指遮挡</Text>
          </View>
        ) : null}
      </View>
      {PHOTO_KINDS.filter((p) => !kinds || kinds.includes(p.kind)).map(({ kind, label }) => {
        const state = states[kind] ?? { status: 'empty' };
        const preview = 'preview' in state ? state.preview : undefined;
        return (
          <View className={`card photo-card is-${state.status}`} key={kind} id={`photo-${kind}`}>
            <Text className="photo-title">{label}</Text>
            {preview ? <Image className="photo-preview" src={preview} mode="aspectFit" ariaLabel={`${label}照片`} /> : null}
            {state.status === 'working' ? (
              <View className="photo-progress">
                <Text className="photo-progress-text">
                  {state.stage}
                  {state.stage === '上传中' ? ` ${Math.round(state.percent)}%` : '…'}
                </Text>
                <Progress percent={state.percent} strokeWidth={8} activeColor="#1456c8" aria-hidden />
              </View>
            ) : null}
            {state.status === 'done' ? <Text className="photo-done">✓ 已上传</Text> : null}
            {state.status === 'rejected' || state.status === 'failed' || state.status === 'unavailable' ? (
              <Text className="field-error">{state.message}</Text>
            ) : null}
            <View className="photo-actions">
              {state.status === 'failed' && state.retry ? (
                <AppButton type="primary" size="large" onClick={() => void send(kind, state.retry as Picked)}>
                  重试
                </AppButton>
              ) : null}
              {state.status !== 'working' && state.status !== 'unavailable' ? (
                <AppButton
                  type="primary"
                  fill={state.status === 'empty' ? 'solid' : 'outline'}
                  size="large"
                  onClick={() => void take(kind)}
                >
                  {state.status === 'empty' ? '拍照或从相册选择' : state.status === 'done' ? '换一张' : '重拍'}
                </AppButton>
              ) : null}
            </View>
          </View>
        );
      })}
    </>
  );
}
