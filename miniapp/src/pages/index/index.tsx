import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { ITEM_CATALOGUE, isItemKey, type Guide } from '@birth/shared';
import { AppButton } from '../../components/AppButton';
// Before ElderToggle: mini-program builds keep one CSS order across pages, and the inner pages load
// LoadState's styles before the toggle's (through PageHeader).
import { ErrorCard, LoadingCard } from '../../components/LoadState';
import { ElderToggle } from '../../components/ElderToggle';
import { Heading } from '../../components/Heading';
import { Page } from '../../components/Page';
import { useGuide } from '../../hooks/useGuide';
import { openApplications, openApply, openNotices } from '../../navigation';
import './index.css';

/** Standard 4.7: the simple guide must say where the full one is; used when the BFF sends none. */
const FULL_GUIDE_FALLBACK = '完整版办事指南可在浙江政务服务网或“浙里办”APP 搜索“出生一件事”查看。';

/** When an item starts, in words a parent understands, from the shared catalogue's `needs`. */
function startsWhen(key: string): string {
  if (!isItemKey(key)) return '';
  const needs = ITEM_CATALOGUE[key].needs;
  if (needs.length === 0) return '提交申请后即开始办理';
  return `待${needs.map((need) => `“${ITEM_CATALOGUE[need].name}”`).join('、')}办好后开始`;
}

function callConsultation(phone: string) {
  void Taro.makePhoneCall({ phoneNumber: phone.replace(/[^\d-]/g, '') }).catch(() => undefined);
}

function GuideRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <View className="guide-row">
      <Heading level={3} className="guide-label">
        {label}
      </Heading>
      <View className="guide-value">{children}</View>
    </View>
  );
}

function ItemsCard({ guide }: { guide: Guide }) {
  return (
    <View className="card">
      <Heading level={2} className="card-title">
        五件事，一次申请
      </Heading>
      <View className="items">
        {guide.items.map((item, index) => (
          <View className="item" key={item.key}>
            <View className="item-number" aria-hidden>
              {index + 1}
            </View>
            <View className="item-body">
              <Text className="item-name">{item.name}</Text>
              <Text className="item-dept">办理部门：{item.departmentName}</Text>
              <Text className="item-when">{startsWhen(item.key)}</Text>
            </View>
          </View>
        ))}
      </View>
    </View>
  );
}

function GuideCard({ guide }: { guide: Guide }) {
  return (
    <View className="card">
      <Heading level={2} className="card-title">
        办事指南
      </Heading>
      <GuideRow label="事项名称">
        <Text>{guide.title}</Text>
      </GuideRow>
      <GuideRow label="适用范围">
        <Text>{guide.scope}</Text>
      </GuideRow>
      <GuideRow label="申请材料">
        <View className="materials">
          {guide.materials.map((material, index) => (
            <View className="material" key={material}>
              <Text className="material-index">{index + 1}.</Text>
              <Text className="material-text">{material}</Text>
            </View>
          ))}
        </View>
      </GuideRow>
      <GuideRow label="办结时限">
        <Text className="strong">{guide.timeLimit.workingDays}个工作日</Text>
        {guide.timeLimit.note ? <Text className="muted block">{guide.timeLimit.note}</Text> : null}
      </GuideRow>
      <GuideRow label="收费">
        <Text>{guide.fee}</Text>
      </GuideRow>
      <GuideRow label="结果送达">
        <Text>{guide.delivery}</Text>
      </GuideRow>
      <GuideRow label="咨询途径">
        {guide.consultation.phone ? (
          <View className="consult-line">
            <Text>电话：</Text>
            <Text className="link" onClick={() => callConsultation(guide.consultation.phone)}>
              {guide.consultation.phone}
            </Text>
          </View>
        ) : null}
        {guide.consultation.online ? (
          <View className="consult-line">
            <Text>网上：{guide.consultation.online}</Text>
          </View>
        ) : null}
      </GuideRow>
      <GuideRow label="办公地址和时间">
        <View className="offices">
          {guide.offices.map((office) => (
            <View className="office" key={`${office.name}-${office.address}`}>
              <Text className="office-name">{office.name}</Text>
              <Text className="office-line">地址：{office.address}</Text>
              <Text className="office-line">时间：{office.hours}</Text>
            </View>
          ))}
        </View>
      </GuideRow>
    </View>
  );
}

export default function Index() {
  const guide = useGuide();

  return (
    <Page className="home">
      <View className="hero">
        <View className="hero-bar">
          <Text className="hero-tag">浙江省 · 新生儿联办</Text>
          <ElderToggle />
        </View>
        <Heading level={1} className="hero-title">
          出生“一件事”联办
        </Heading>
        <Text className="hero-lead">宝宝出生后，在手机上申请一次，出生医学证明、户口、医保、社保卡等五件事一起办。</Text>
        <AppButton className="start-button" type="primary" size="xlarge" block onClick={() => openApply()}>
          开始办理
        </AppButton>
        <AppButton className="mine-button" fill="outline" size="large" block onClick={openApplications}>
          我的申请 · 查看办理进度
        </AppButton>
        <AppButton className="mine-button" fill="outline" size="large" block onClick={openNotices}>
          我的消息
        </AppButton>
      </View>

      {guide.status === 'loading' ? <LoadingCard text="正在加载办事指南…" /> : null}

      {guide.status === 'error' ? (
        <ErrorCard title="办事指南没有加载出来" message={guide.message} onRetry={guide.reload} />
      ) : null}

      {guide.status === 'ready' ? (
        <>
          <ItemsCard guide={guide.guide} />
          <GuideCard guide={guide.guide} />
          <Text className="footnote">以上为简版办事指南。{guide.guide.fullGuide ?? FULL_GUIDE_FALLBACK}</Text>
        </>
      ) : null}
    </Page>
  );
}
