import { Text, View } from '@tarojs/components';
import { AppButton } from '../AppButton';
import type { RejectionReason } from '@birth/shared';
import { formatChinaDateTime } from '../../utils/format';
import { fieldLabel } from '../../utils/progress';

export interface RejectionBoxProps {
  itemName: string;
  departmentName: string;
  reasons: RejectionReason[];
  rejectedAt?: string;
  onCorrect: () => void;
}

/**
 * 一次性告知: every reason the department gave, all at once, numbered, with the field it concerns, and
 * the one thing to do next.
 */
export function RejectionBox({ itemName, departmentName, reasons, rejectedAt, onCorrect }: RejectionBoxProps) {
  return (
    <View className="rejection" role="alert">
      <Text className="rejection-title">需要您更正 {reasons.length} 处信息</Text>
      <Text className="rejection-lead">
        {departmentName}已一次性列出全部问题{rejectedAt ? `（${formatChinaDateTime(rejectedAt)}）` : ''}，请逐条核对：
      </Text>
      <View className="rejection-list">
        {reasons.map((reason, index) => {
          const label = fieldLabel(reason.field);
          return (
            <View className="rejection-reason" key={`${index}-${reason.message}`}>
              <Text className="rejection-index">{index + 1}</Text>
              <View className="rejection-body">
                {label ? <Text className="rejection-field">{label}</Text> : null}
                <Text className="rejection-message">{reason.message}</Text>
              </View>
            </View>
          );
        })}
        {reasons.length === 0 ? (
          <Text className="rejection-message">部门没有写明原因，请拨打咨询电话问清楚后再更正。</Text>
        ) : null}
      </View>
      <Text className="rejection-after">改好后只需重新提交“{itemName}”这一项，其他事项照常办理。</Text>
      <AppButton className="rejection-button" type="primary" size="large" block onClick={onCorrect}>
        去更正
      </AppButton>
    </View>
  );
}
