import { Text, View } from '@tarojs/components';
import { AppButton } from '../../components/AppButton';
import { Chip } from '../../components/Chip';
import { Heading } from '../../components/Heading';
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { useApplications } from '../../hooks/useApplications';
import { openApply, openNotices, openProgress } from '../../navigation';
import type { ApplicationSummary, Notice } from '@birth/shared';
import { formatChinaDateTime } from '../../utils/format';
import { statusLabel, statusTone } from '../../utils/progress';
import './index.css';

function open(application: ApplicationSummary) {
  if (application.status === 'draft') openApply({ id: application.id });
  else openProgress(application.id);
}

function ApplicationCard({ application, notice }: { application: ApplicationSummary; notice?: Notice }) {
  const draft = application.status === 'draft';
  const name = application.newbornName ?? (draft ? '未填写宝宝姓名的申请' : '出生“一件事”申请');
  const action = draft ? '继续填写' : '查看办理进度';
  const a11y = process.env.TARO_ENV === 'h5' ? ({ role: 'button', tabIndex: 0 } as object) : {};
  return (
    <View className="card app-card" {...a11y} onClick={() => open(application)}>
      <View className="app-card-head">
        <Heading level={2} className="app-card-name">
          {name}
        </Heading>
        <Chip tone={statusTone(application.status)} label={statusLabel(application.status, application.statusLabel)} />
      </View>
      <Text className="app-card-line">{draft ? '草稿，还没有提交' : `出生“一件事” · 共${application.itemCount}个事项`}</Text>
      <Text className="app-card-line muted">
        {application.submittedAt
          ? `${formatChinaDateTime(application.submittedAt)} 提交`
          : `${formatChinaDateTime(application.createdAt)} 开始填写，尚未提交`}
      </Text>
      {application.status === 'needs_correction' ? <Text className="app-card-alert">有事项退回，需要您更正</Text> : null}
      {notice ? (
        <View className="app-card-notice">
          <Text className="app-card-notice-label">最新消息</Text>
          <Text className="app-card-notice-text">{notice.title}</Text>
        </View>
      ) : null}
      <View className={`app-card-action${application.status === 'needs_correction' ? ' is-urgent' : ''}`} aria-hidden>
        <Text>{action}</Text>
        <Text className="app-card-arrow">›</Text>
      </View>
    </View>
  );
}

/** 我的申请: every application of this parent, each opening its 办理进度. */
export default function Applications() {
  const mine = useApplications();

  return (
    <Page className="applications">
      <PageHeader title="我的申请" subtitle="点一份申请，查看每个事项办到哪一步了。">
        <AppButton className="header-link" fill="outline" size="large" onClick={openNotices}>
          我的消息
        </AppButton>
      </PageHeader>

      {mine.status === 'loading' ? <LoadingCard text="正在查找您的申请…" /> : null}

      {mine.status === 'error' ? (
        <ErrorCard title="没有取到您的申请" message={mine.message} onRetry={() => void mine.reload()} />
      ) : null}

      {mine.status === 'ready' && mine.refreshError ? (
        <View className="refresh-error" role="alert">
          刷新没有成功：{mine.refreshError}
        </View>
      ) : null}

      {mine.status === 'ready' && mine.data.applications.length === 0 ? (
        <View className="card empty">
          <Heading level={2} className="empty-title">
            您还没有申请
          </Heading>
          <Text className="empty-text">宝宝出生后，点下面的“开始办理”，填一张表，五件事一起办。</Text>
          <AppButton className="empty-button" type="primary" size="xlarge" block onClick={() => openApply()}>
            开始办理
          </AppButton>
        </View>
      ) : null}

      {mine.status === 'ready'
        ? mine.data.applications.map((application) => (
            <ApplicationCard key={application.id} application={application} notice={mine.data.latestNotice[application.id]} />
          ))
        : null}

      {mine.status === 'ready' && mine.data.applications.length > 0 ? (
        <Text className="applications-footnote">办理进度有变化时，我们会通过消息和短信通知您。</Text>
      ) : null}
    </Page>
  );
}
