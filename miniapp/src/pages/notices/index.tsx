import { Text, View } from '@tarojs/components';
import { useEffect, useRef } from 'react';
import { AppButton } from '../../components/AppButton';
import { Chip } from '../../components/Chip';
import { Heading } from '../../components/Heading';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { markNoticesSeen, noticesSeenAt, useNotices } from '../../hooks/useNotices';
import { openCorrection, openProgress, openRating } from '../../navigation';
import type { Notice } from '@birth/shared';
import { formatChinaDateTime } from '../../utils/format';
import './index.css';

/** What a notice asks the parent to do next, as a button. */
function action(notice: Notice): { label: string; go: () => void } | undefined {
  const id = notice.applicationId;
  if (!id) return undefined;
  if (notice.itemKey && notice.title.includes('退回'))
    return { label: '去更正', go: () => openCorrection(id, notice.itemKey as string) };
  if (notice.body.includes('评价')) return { label: '去评价', go: () => openRating(id, 'completed') };
  return { label: '查看办理进度', go: () => openProgress(id) };
}

/** 我的消息: every notice sent about the parent's applications, newest first, each leading to its application. */
export default function Notices() {
  const notices = useNotices();
  const seenAt = useRef(noticesSeenAt());
  useEffect(() => {
    if (notices.status === 'ready') markNoticesSeen();
  }, [notices.status]);

  return (
    <Page className="notices">
      <PageHeader title="我的消息" subtitle="办理进度的每一步都会发到这里。" />
      {notices.status === 'loading' ? <LoadingCard text="正在取消息…" /> : null}
      {notices.status === 'error' ? (
        <ErrorCard title="没有取到消息" message={notices.message} onRetry={() => void notices.reload()} />
      ) : null}
      {notices.status === 'ready' && notices.data.length === 0 ? (
        <View className="card empty">
          <Heading level={2} className="empty-title">
            还没有消息
          </Heading>
          <Text className="empty-text">提交申请后，每个事项受理、办结、寄出或需要更正时，都会在这里通知您。</Text>
        </View>
      ) : null}
      {notices.status === 'ready'
        ? notices.data.map((notice) => {
            const next = action(notice);
            const fresh = Date.parse(notice.createdAt) > seenAt.current;
            return (
              <View className="card notice-card" key={notice.id}>
                <View className="notice-head">
                  <Heading level={2} className="notice-title">
                    {notice.title}
                  </Heading>
                  {fresh ? <Chip tone="action" label="新" /> : null}
                </View>
                <Text className="notice-body">{notice.body}</Text>
                <Text className="notice-time">{formatChinaDateTime(notice.createdAt)}</Text>
                {next ? (
                  <AppButton className="notice-button" type="primary" fill="outline" size="large" block onClick={next.go}>
                    {next.label}
                  </AppButton>
                ) : null}
              </View>
            );
          })
        : null}
    </Page>
  );
}
