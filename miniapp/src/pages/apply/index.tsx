import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { AppButton } from '../../components/AppButton';
import { Heading } from '../../components/Heading';
import { Page } from '../../components/Page';
import './index.css';

function backHome() {
  if (Taro.getCurrentPages().length > 1) {
    void Taro.navigateBack();
  } else {
    void Taro.redirectTo({ url: '/pages/index/index' });
  }
}

/** Placeholder until the application form lands. */
export default function Apply() {
  return (
    <Page className="apply">
      <View className="card apply-card">
        <Heading level={1} className="apply-title">
          填写申请
        </Heading>
        <Text className="apply-text">在线申请表正在准备中，敬请期待。</Text>
        <Text className="apply-text muted">届时只需填写一次，五件事一起办理。</Text>
        <AppButton className="apply-back" type="primary" size="large" block onClick={backHome}>
          返回首页
        </AppButton>
      </View>
    </Page>
  );
}
