import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { AppButton } from '../../components/AppButton';
import { Heading } from '../../components/Heading';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { useRemoteData } from '../../hooks/useRemoteData';
import { ROUTES, goBack } from '../../navigation';
import { getRatings, postRating } from '../../services/api';
import { ApiError } from '../../services/http';
import type { RatingBody, RatingStageView, RatingsView } from '@birth/shared';
import { formatChinaDateTime } from '../../utils/format';
import { newIdempotencyKey } from '../../utils/ids';
import { ChoiceGroup } from '../components/ChoiceGroup';
import { LEVELS, TAGS, isBad, tagsForLevel, type LevelCode } from '../rating';
import '../form.css';

const UNAVAILABLE: RatingsView = { applicationId: '', stages: [] };

const STAGE_TITLES = { accepted: '受理服务', completed: '办结服务' } as const;

/** The rating form: a level, the tags of that level, optional words. Used for a stage and for the 追评. */
function RatingForm({
  applicationId,
  stage,
  followUpOf,
  onDone,
}: {
  applicationId: string;
  stage: 'accepted' | 'completed';
  followUpOf?: boolean;
  onDone: () => void;
}) {
  const [level, setLevel] = useState<LevelCode | undefined>();
  const [tags, setTags] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey('rate'));
  const prefix = followUpOf ? `followup-${stage}` : `rate-${stage}`;

  const send = async () => {
    if (busy) return;
    if (!level) {
      setError('请先选择一个评价等级。');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await postRating(
        applicationId,
        {
          ...(followUpOf ? { stage: 'follow_up' as const, of: stage } : { stage }),
          level,
          tags,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        },
        key.current,
      );
      onDone();
    } catch (e: unknown) {
      setError(e instanceof ApiError ? e.message : '评价没有提交成功，请稍后再试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="rating-form">
      <ChoiceGroup
        path={`${prefix}.level`}
        label={followUpOf ? '处理之后，您现在的评价' : `您对${STAGE_TITLES[stage]}满意吗`}
        choices={LEVELS.map((l) => ({ value: l.code, label: l.label }))}
        value={level}
        error={error && !level ? error : undefined}
        onChange={(v) => {
          setLevel(v);
          setTags((t) => tagsForLevel(v, t));
        }}
      />
      {level ? (
        <ChoiceGroup
          path={`${prefix}.tags`}
          label="哪些方面（可多选，可不选）"
          multiple
          inline
          choices={TAGS[level].map((t) => ({ value: t.code, label: t.label }))}
          value={tags}
          onChange={(code) => setTags((t) => (t.includes(code) ? t.filter((x) => x !== code) : [...t, code]))}
        />
      ) : null}
      {level && isBad(level) && !followUpOf ? (
        <Text className="field-hint">很抱歉让您不满意。相关部门会在1个工作日内回访您，15天内把整改情况反馈给您。</Text>
      ) : null}
      <Text className="field-label">想说的话（可不填）</Text>
      <Textarea
        className="text-input"
        value={comment}
        maxlength={500}
        placeholder="最多500字"
        ariaLabel="想说的话（可不填）"
        onInput={(e) => setComment(e.detail.value)}
      />
      {error && level ? <Text className="field-error">{error}</Text> : null}
      <AppButton type="primary" size="xlarge" block loading={busy} disabled={busy} onClick={() => void send()}>
        {followUpOf ? '提交追评' : '提交评价'}
      </AppButton>
    </View>
  );
}

function Given({ title, rating }: { title: string; rating: RatingBody }) {
  return (
    <View className="rating-given">
      <Text className="rating-given-title">
        {title}：{rating.levelLabel ?? LEVELS.find((l) => l.code === rating.level)?.label ?? rating.level}
      </Text>
      {rating.tags?.length ? <Text className="field-hint">{rating.tags.map((t) => t.label).join('、')}</Text> : null}
      {rating.comment ? <Text className="rating-given-comment">{rating.comment}</Text> : null}
      {rating.createdAt ? <Text className="field-hint">{formatChinaDateTime(rating.createdAt)}</Text> : null}
    </View>
  );
}

function StageCard({ applicationId, view, onDone }: { applicationId: string; view: RatingStageView; onDone: () => void }) {
  return (
    <View className="card form-card" id={`stage-${view.stage}`}>
      <Heading level={2} className="card-title">
        评价{STAGE_TITLES[view.stage]}
      </Heading>
      {!view.reached ? <Text>{view.stage === 'accepted' ? '申请受理后就可以评价。' : '全部事项办结后就可以评价。'}</Text> : null}
      {view.reached && !view.rated ? <RatingForm applicationId={applicationId} stage={view.stage} onDone={onDone} /> : null}
      {view.rating ? <Given title="您的评价" rating={view.rating} /> : null}
      {view.cases.map((c, i) => (
        <View className="rating-case" key={`${c.departmentName}-${i}`}>
          <Text className="rating-given-title">
            {c.departmentName}：{c.statusLabel ?? ''}
          </Text>
          {c.feedback ? (
            <Text>整改反馈：{c.feedback.message}</Text>
          ) : (
            <Text className="field-hint">部门正在处理，会在15天内反馈。</Text>
          )}
        </View>
      ))}
      {view.followUp ? <Given title="您的追评" rating={view.followUp} /> : null}
      {view.canFollowUp ? <RatingForm applicationId={applicationId} stage={view.stage} followUpOf onDone={onDone} /> : null}
    </View>
  );
}

/** 好差评: the two stages of one application, each rated once, with feedback on a bad rating and the one 追评. */
export default function Rate() {
  const { params } = useRouter();
  const id = params.id ?? '';
  // A 404 means this BFF has no ratings for the application (or no ratings service yet): say so plainly.
  const load = () =>
    getRatings(id).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return UNAVAILABLE;
      throw error;
    });
  const ratings = useRemoteData<RatingsView>(load, id, { fallbackMessage: '没有取到评价，请稍后再试' });
  const [thanks, setThanks] = useState(false);
  const unavailable = ratings.status === 'ready' && ratings.data === UNAVAILABLE;

  return (
    <Page className="rate">
      <PageHeader title="服务评价" subtitle="您的评价会直接送到办理部门，帮助他们改进。" backTo={ROUTES.applications} />
      {ratings.status === 'loading' ? <LoadingCard text="正在打开评价…" /> : null}
      {ratings.status === 'error' || unavailable ? (
        <ErrorCard
          title={unavailable ? '暂时不能在这里评价' : '没有打开评价'}
          message={ratings.status === 'error' ? ratings.message : '在线评价暂时无法使用。您也可以拨打12345政务服务热线进行评价。'}
          onRetry={() => void ratings.reload()}
        >
          <AppButton fill="outline" type="primary" size="large" onClick={() => goBack(ROUTES.applications)}>
            返回
          </AppButton>
        </ErrorCard>
      ) : null}
      {thanks ? (
        <View className="form-notice is-info" role="status">
          谢谢您的评价！
        </View>
      ) : null}
      {ratings.status === 'ready'
        ? [...ratings.data.stages]
            .sort((a, b) => (a.stage === params.stage ? -1 : b.stage === params.stage ? 1 : 0))
            .map((view) => (
              <StageCard
                key={view.stage}
                applicationId={id}
                view={view}
                onDone={() => {
                  setThanks(true);
                  void ratings.reload();
                }}
              />
            ))
        : null}
    </Page>
  );
}
