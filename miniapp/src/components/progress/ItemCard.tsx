import { KeyValue } from './KeyValue';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { AppButton } from '../AppButton';
import { Chip } from '../Chip';
import { Heading } from '../Heading';
import type { ProgressItem } from '@birth/shared';
import { formatChinaDateTime, formatDeadline } from '../../utils/format';
import { itemStateLabel, itemSteps, itemTone, outputRows, waitingFor } from '../../utils/progress';
import { RejectionBox } from './RejectionBox';
import { StepBar } from './StepBar';
import './progress.css';

export interface ItemCardProps {
  item: ProgressItem;
  onCorrect: (itemKey: string) => void;
}

function copyTrackingNumber(value: string) {
  Taro.setClipboardData({ data: value }).then(
    () => Taro.showToast({ title: '单号已复制', icon: 'none' }),
    () => Taro.showToast({ title: '复制没有成功，请手动记下单号', icon: 'none' }),
  );
}

/** Anchor id of an item's card, for scrolling to it. */
export const itemAnchor = (key: string) => `item-${key}`;

/** One 事项: its steps, department, deadline, and whatever the parent needs next (reasons, parcel, pickup). */
export function ItemCard({ item, onCorrect }: ItemCardProps) {
  const active = item.state === 'dispatched' || item.state === 'accepted';
  const outputs = outputRows(item.outputs);
  return (
    <View className={`card item-card${item.state === 'rejected' ? ' is-rejected' : ''}`} id={itemAnchor(item.key)}>
      <View className="item-card-head">
        <Heading level={3} className="item-card-name">
          {item.name}
        </Heading>
        <Chip tone={itemTone(item.state)} label={itemStateLabel(item)} />
      </View>
      <Text className="item-card-dept">办理部门：{item.departmentName}</Text>

      <StepBar {...itemSteps(item)} />

      {item.state === 'waiting' ? <Text className="item-card-note">{waitingFor(item.key)}</Text> : null}

      {active && item.dueAt ? (
        <View className={`item-due${item.overdue ? ' is-overdue' : ''}`}>
          <Text className="item-due-label">最晚办结</Text>
          <Text className="item-due-value">{formatDeadline(item.dueAt)}</Text>
          {item.overdue ? <Chip tone="danger" label="已超时" className="item-due-chip" /> : null}
        </View>
      ) : null}
      {active && item.overdue ? (
        <Text className="item-card-note">已超过部门 1 个工作日的办理时限。如着急，可拨打办事指南中的咨询电话询问。</Text>
      ) : null}

      {item.state === 'rejected' ? (
        <RejectionBox
          itemName={item.name}
          departmentName={item.departmentName}
          reasons={item.rejection?.reasons ?? []}
          rejectedAt={item.rejection?.at}
          onCorrect={() => onCorrect(item.key)}
        />
      ) : null}

      {item.completedAt ? <KeyValue label="办结时间" value={formatChinaDateTime(item.completedAt)} /> : null}
      {outputs.map((row) => (
        <KeyValue key={row.label} label={row.label} value={row.value} />
      ))}

      {item.shipment ? (
        <View className="delivery-box">
          <Text className="delivery-title">{item.state === 'delivered' ? '已送达，已签收' : '证件已寄出'}</Text>
          <Text className="delivery-line">快递公司：{item.shipment.carrier}</Text>
          <Text className="delivery-line">
            快递单号：<Text className="delivery-strong">{item.shipment.trackingNumber}</Text>
          </Text>
          {item.state !== 'delivered' ? (
            <AppButton
              className="delivery-button"
              fill="outline"
              type="primary"
              size="large"
              onClick={() => copyTrackingNumber(item.shipment?.trackingNumber ?? '')}
            >
              复制快递单号
            </AppButton>
          ) : null}
        </View>
      ) : null}

      {item.pickup ? (
        <View className={`delivery-box${item.state === 'ready_for_pickup' ? ' is-pickup' : ''}`}>
          <Text className="delivery-title">{item.state === 'delivered' ? '已领取' : '证件已办好，请来领取'}</Text>
          <Text className="delivery-line">领取地点：{item.pickup.place}</Text>
          <Text className="delivery-line">领取时间：{item.pickup.hours}</Text>
          {item.pickup.pickupCode ? (
            <View className="pickup-code">
              <Text className="pickup-code-label">取件码</Text>
              <Text className="pickup-code-value">{item.pickup.pickupCode}</Text>
            </View>
          ) : null}
        </View>
      ) : null}

      {item.key === 'medical_insurance' && (item.state === 'completed' || item.state === 'delivered') ? (
        <Text className="item-card-note">参保登记已完成。请记得为宝宝缴纳城乡居民医保费，并激活宝宝的医保电子凭证。</Text>
      ) : null}
    </View>
  );
}
