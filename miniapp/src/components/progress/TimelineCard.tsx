import { Text, View } from '@tarojs/components';
import { Heading } from '../Heading';
import type { TimelineEntry } from '@birth/shared';
import { formatChinaDateTime } from '../../utils/format';
import { timelineNewestFirst } from '../../utils/progress';
import './progress.css';

/** Everything that happened, newest first, in plain Chinese. */
export function TimelineCard({ timeline, pickedUp }: { timeline: TimelineEntry[]; pickedUp?: ReadonlySet<string> }) {
  const lines = timelineNewestFirst(timeline, pickedUp);
  return (
    <View className="card timeline">
      <Heading level={2} className="card-title">
        办理记录
      </Heading>
      <Text className="muted timeline-hint">最新的在最上面</Text>
      <View className="timeline-list">
        {lines.map((line) => (
          <View className={`timeline-row tone-${line.tone}`} key={line.key}>
            <View className="timeline-rail" aria-hidden>
              <View className="timeline-dot" />
            </View>
            <View className="timeline-body">
              <Text className="timeline-time">{formatChinaDateTime(line.at)}</Text>
              <Text className="timeline-text">
                {line.subject ? <Text className="timeline-subject">{line.subject} </Text> : null}
                <Text className="timeline-action">{line.action}</Text>
              </Text>
              {line.detail ? <Text className="timeline-detail">{line.detail}</Text> : null}
            </View>
          </View>
        ))}
        {lines.length === 0 ? <Text className="muted">还没有记录。</Text> : null}
      </View>
    </View>
  );
}
