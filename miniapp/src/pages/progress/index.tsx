import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { ITEM_CATALOGUE, isItemKey } from '@birth/shared';
import { AppButton } from '../../components/AppButton';
import { Heading } from '../../components/Heading';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { PhoneConfirm } from '../../components/PhoneConfirm';
import { SubscribePrompt, useSubscribePrompt, type SubscribePromptControl } from '../../components/SubscribePrompt';
import { ItemCard, itemAnchor } from '../../components/progress/ItemCard';
import { KeyValue } from '../../components/progress/KeyValue';
import { SummaryCard } from '../../components/progress/SummaryCard';
import { TimelineCard } from '../../components/progress/TimelineCard';
import { PROGRESS_POLL_MS, useProgress } from '../../hooks/useProgress';
import { ROUTES, goBack, openApply, openCorrection, openRating } from '../../navigation';
import type { Progress } from '@birth/shared';
import { formatChinaClock } from '../../utils/format';
import { outputRows } from '../../utils/progress';
import './index.css';

function scrollToItem(key: string) {
  void Taro.pageScrollTo({ selector: `#${itemAnchor(key)}`, duration: 300 }).catch(() => undefined);
}

/** Above everything else when the parents have something to do: which items came back, and where to look. */
function CorrectionAlert({ needs }: { needs: Progress['needsCorrection'] }) {
  const a11y = process.env.TARO_ENV === 'h5' ? ({ role: 'button', tabIndex: 0 } as object) : {};
  return (
    <View className="card correction-alert" {...a11y} onClick={() => scrollToItem(needs[0].key)}>
      <Text className="correction-alert-title">
        {needs.length === 1 ? '有 1 个事项被退回，需要您更正' : `有 ${needs.length} 个事项被退回，需要您更正`}
      </Text>
      {needs.map((need) => (
        <Text className="correction-alert-line" key={need.key}>
          “{need.name}”：{need.reasons.length} 处需更正
        </Text>
      ))}
      <Text className="correction-alert-link">点这里查看退回原因 ↓</Text>
    </View>
  );
}

/**
 * Right after submitting or correcting: what happened and how news will come. On H5 (浙里办) there is no
 * subscribe message, so progress comes by SMS; the mini programs ask for their templates when the
 * parent taps, as the platforms require.
 */
function SubmittedNote({ resubmitted, subscribe }: { resubmitted?: string; subscribe: SubscribePromptControl }) {
  const itemName = resubmitted && isItemKey(resubmitted) ? ITEM_CATALOGUE[resubmitted].name : undefined;
  return (
    <View className="card submitted-note" role="status">
      <Text className="submitted-note-title">{itemName ? `“${itemName}”已重新提交` : '申请已提交成功'}</Text>
      <Text className="submitted-note-text">
        {itemName ? '办理部门会重新审核这一项，其他事项不受影响。' : '各部门会在收到后1个工作日内办理，全部事项4个工作日内办结。'}
        也可以随时回到这里查看。
      </Text>
      {itemName ? null : <SubscribePrompt control={subscribe} />}
    </View>
  );
}

/**
 * Standard 6.4.3: once everything is done, one list of what arrived (numbers masked by the BFF) and where
 * the electronic versions are.
 */
function CompletedSummary({ progress }: { progress: Progress }) {
  return (
    <View className="card completed-summary">
      <Heading level={2} className="card-title">
        办好的证件
      </Heading>
      {progress.items.map((item) => {
        const rows = outputRows(item.outputs);
        return (
          <View className="completed-item" key={item.key}>
            <Text className="completed-item-name">{item.name}</Text>
            {rows.map((row) => (
              <KeyValue key={row.label} label={row.label} value={row.value} />
            ))}
          </View>
        );
      })}
      <Text className="summary-note">
        出生医学证明、户口簿、社保卡的电子证照可在“浙里办”APP“我的证照”中查看；宝宝的医保电子凭证请在“浙里办”或医保APP中激活。
      </Text>
    </View>
  );
}

/** Invitations to rate (好差评) once an item is accepted, and again when everything is done. */
function RatingInvite({ progress, onRate }: { progress: Progress; onRate: (stage: string) => void }) {
  const accepted = progress.items.some(
    (i) => i.acceptedAt || ['accepted', 'completed', 'shipped', 'ready_for_pickup', 'delivered'].includes(i.state),
  );
  if (!accepted) return null;
  const completed = progress.status === 'completed';
  return (
    <View className="card rating-invite">
      <Text className="rating-invite-text">
        {completed ? '全部事项已办结，请为本次服务打个分。' : '申请已受理，欢迎为受理服务打个分。'}
      </Text>
      <AppButton type="primary" fill="outline" size="large" block onClick={() => onRate(completed ? 'completed' : 'accepted')}>
        {completed ? '评价办结服务' : '评价受理服务'}
      </AppButton>
    </View>
  );
}

/** 办理进度 of one application: summary, each item with its steps, and the timeline; refreshes itself. */
export default function ProgressPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const progress = useProgress(id);
  const [manual, setManual] = useState(false);
  // Right after a submit: the prompt is offered, and leaving by 返回我的申请 asks once if the parent has not.
  const subscribe = useSubscribePrompt(!!params.submitted);
  const leave = () => {
    if (subscribe.pending) void subscribe.ask().finally(() => goBack(ROUTES.applications));
    else goBack(ROUTES.applications);
  };

  const refresh = () => {
    setManual(true);
    void progress.reload().finally(() => setManual(false));
  };

  return (
    <Page className="progress">
      <PageHeader
        title="办理进度"
        subtitle={progress.newbornName ? `${progress.newbornName}的出生“一件事”` : '出生“一件事”联办'}
        backTo={ROUTES.applications}
      />

      {progress.status === 'loading' ? <LoadingCard text="正在查询办理进度…" /> : null}

      {progress.status === 'error' ? (
        <ErrorCard title="没有取到办理进度" message={progress.message} onRetry={refresh}>
          <AppButton className="retry-button" type="primary" fill="none" size="large" onClick={() => goBack(ROUTES.applications)}>
            返回我的申请
          </AppButton>
        </ErrorCard>
      ) : null}

      {progress.status === 'ready' ? (
        <>
          <View className="refresh-bar">
            <View className="refresh-bar-text">
              <Text className="refresh-bar-time">更新于 {formatChinaClock(progress.updatedAt)}</Text>
              <Text className="refresh-bar-auto">每 {PROGRESS_POLL_MS / 1000} 秒自动刷新</Text>
            </View>
            <AppButton className="refresh-button" type="primary" fill="outline" loading={manual} onClick={refresh}>
              刷新
            </AppButton>
          </View>
          {progress.refreshError ? (
            <View className="refresh-error" role="alert">
              刷新没有成功：{progress.refreshError}。下面是 {formatChinaClock(progress.updatedAt)} 的信息。
            </View>
          ) : null}

          {params.submitted || params.resubmitted ? (
            <SubmittedNote resubmitted={params.resubmitted} subscribe={subscribe} />
          ) : null}

          {/* Notice SMS go only to a confirmed phone: offered while the application still has news to come. */}
          {progress.data.status === 'in_progress' || progress.data.status === 'needs_correction' ? (
            <PhoneConfirm applicationId={id} />
          ) : null}

          {progress.data.needsCorrection.length > 0 ? <CorrectionAlert needs={progress.data.needsCorrection} /> : null}

          {progress.data.status === 'draft' ? (
            <View className="card draft-note">
              <Text className="draft-note-text">这份申请还没有提交，提交后才会推送给各部门办理。</Text>
              <AppButton type="primary" size="large" block onClick={() => openApply({ id })}>
                继续填写
              </AppButton>
            </View>
          ) : null}

          <SummaryCard progress={progress.data} />

          {progress.data.status === 'completed' ? <CompletedSummary progress={progress.data} /> : null}

          <RatingInvite progress={progress.data} onRate={(stage) => openRating(id, stage)} />

          <Heading level={2} className="section-title">
            各事项进度
          </Heading>
          {progress.data.items.map((item) => (
            <ItemCard key={item.key} item={item} onCorrect={(itemKey) => openCorrection(id, itemKey)} />
          ))}

          <TimelineCard
            timeline={progress.data.timeline}
            pickedUp={new Set(progress.data.items.filter((i) => i.pickup).map((i) => i.key))}
          />

          <View className="progress-footer">
            <AppButton fill="outline" type="primary" size="large" block onClick={leave}>
              返回我的申请
            </AppButton>
          </View>
        </>
      ) : null}
    </Page>
  );
}
