import { KeyValue } from './KeyValue';
import { Text, View } from '@tarojs/components';
import { Chip } from '../Chip';
import { Heading } from '../Heading';
import type { Progress } from '@birth/shared';
import { formatChinaDateTime, formatDeadline } from '../../utils/format';
import { statusLabel, statusTone } from '../../utils/progress';
import './progress.css';

/** The application as a whole: status, the 4-working-day promise, and where the clock stands. */
export function SummaryCard({ progress }: { progress: Progress }) {
  const limit = progress.timeLimitWorkingDays;
  const accepted = progress.acceptedAt !== undefined;
  const done = progress.status === 'completed';
  const elapsed = Math.min(progress.workingDaysElapsed, limit);
  return (
    <View className="card summary">
      <View className="summary-head">
        <Heading level={2} className="summary-title">
          总体进度
        </Heading>
        <Chip
          tone={statusTone(progress.status)}
          label={statusLabel(progress.status, progress.statusLabel)}
          className="summary-chip"
        />
      </View>

      <View className="summary-promise">
        <Text className="summary-promise-text">{limit}个工作日内办结（不含信息确认、制卡、寄送时间）</Text>
      </View>

      {progress.submittedAt ? <KeyValue label="提交时间" value={formatChinaDateTime(progress.submittedAt)} /> : null}
      <KeyValue label="受理时间" value={accepted ? formatChinaDateTime(progress.acceptedAt) : '部门受理后开始计时'} />
      <KeyValue label="最晚办结" value={progress.dueAt ? formatDeadline(progress.dueAt) : '受理后计算'} />
      {!done && progress.predictedCompletionAt ? (
        <KeyValue label="预计办结" value={formatDeadline(progress.predictedCompletionAt)} />
      ) : null}
      {accepted && !done ? (
        <KeyValue label="已用时间">
          <Text>
            已用 {progress.workingDaysElapsed} 个工作日，共 {limit} 个
          </Text>
          <View className="days-bar" aria-hidden>
            {Array.from({ length: limit }, (_, index) => (
              <View key={index} className={`days-bar-cell${index < elapsed ? ' is-used' : ''}`} />
            ))}
          </View>
        </KeyValue>
      ) : null}
      {done ? <Text className="summary-note">全部事项已办结。</Text> : null}
      {progress.status === 'needs_correction' ? (
        <Text className="summary-note">退回的事项在您更正之前不计入办理时间。</Text>
      ) : null}
      {progress.calendarCovered === false ? (
        <Text className="summary-note">今年的节假日安排尚未公布，日期暂按周一至周五计算。</Text>
      ) : null}
    </View>
  );
}
