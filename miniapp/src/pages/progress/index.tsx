import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { AppButton } from '../../components/AppButton';
import { Heading } from '../../components/Heading';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { ItemCard, itemAnchor } from '../../components/progress/ItemCard';
import { SummaryCard } from '../../components/progress/SummaryCard';
import { TimelineCard } from '../../components/progress/TimelineCard';
import { PROGRESS_POLL_MS, useProgress } from '../../hooks/useProgress';
import { ROUTES, goBack, openApply, openCorrection } from '../../navigation';
import type { Progress } from '../../services/types';
import { formatChinaClock } from '../../utils/format';
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

/** 办理进度 of one application: summary, each item with its steps, and the timeline; refreshes itself. */
export default function ProgressPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const progress = useProgress(id);
  const [manual, setManual] = useState(false);

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

          <Heading level={2} className="section-title">
            各事项进度
          </Heading>
          {progress.data.items.map((item) => (
            <ItemCard key={item.key} item={item} onCorrect={(itemKey) => openCorrection(id, itemKey)} />
          ))}

          <TimelineCard timeline={progress.data.timeline} />

          <View className="progress-footer">
            <AppButton fill="outline" type="primary" size="large" block onClick={() => goBack(ROUTES.applications)}>
              返回我的申请
            </AppButton>
          </View>
        </>
      ) : null}
    </Page>
  );
}
