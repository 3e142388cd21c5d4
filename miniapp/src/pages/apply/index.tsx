import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { ITEM_CATALOGUE, isItemKey } from '@birth/shared';
import { AppButton } from '../../components/AppButton';
import { Heading } from '../../components/Heading';
import { Page } from '../../components/Page';
import { PageHeader } from '../../components/PageHeader';
import { ROUTES, goBack } from '../../navigation';
import './index.css';

/**
 * Placeholder until the application form lands. Opened with `id` and `item` it is where 去更正 leads:
 * it says plainly that correcting online is not ready yet, instead of pretending.
 */
export default function Apply() {
  const { params } = useRouter();
  const item = params.item && isItemKey(params.item) ? ITEM_CATALOGUE[params.item] : undefined;
  const correcting = Boolean(params.id && item);
  const continuing = Boolean(params.id && !item);

  return (
    <Page className="apply">
      <PageHeader title={correcting ? '更正信息' : '填写申请'} backTo={params.id ? ROUTES.applications : ROUTES.home} />
      <View className="card apply-card">
        {correcting && item ? (
          <>
            <Heading level={2} className="apply-title">
              更正“{item.name}”
            </Heading>
            <Text className="apply-text">在线更正功能还在开发中，暂时不能在手机上修改并重新提交。</Text>
            <Text className="apply-text muted">
              请先按“办理进度”页红框里列出的原因，把需要更正的信息准备好。功能开放后，您在这里改好即可重新提交这一项，其他事项不受影响。
            </Text>
            <Text className="apply-text muted">如着急办理，可拨打首页办事指南中的咨询电话。</Text>
            <AppButton className="apply-back" type="primary" size="large" block onClick={() => goBack(ROUTES.applications)}>
              返回办理进度
            </AppButton>
          </>
        ) : (
          <>
            <Heading level={2} className="apply-title">
              {continuing ? '继续填写申请' : '填写申请'}
            </Heading>
            <Text className="apply-text">在线申请表正在准备中，敬请期待。</Text>
            <Text className="apply-text muted">届时只需填写一次，五件事一起办理。</Text>
            <AppButton className="apply-back" type="primary" size="large" block onClick={() => goBack(ROUTES.home)}>
              返回
            </AppButton>
          </>
        )}
      </View>
    </Page>
  );
}
