import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { postSubscriptions } from '../services/api';
import { AppButton } from './AppButton';

/**
 * After submitting: in the mini programs, ask (on the parent's tap, as the platforms require) for the
 * progress, pickup and rating templates and report the answers to the BFF; on H5 and where no template is
 * configured, say that SMS will be used.
 */
export function SubscribePrompt() {
  const [state, setState] = useState<'idle' | 'asking' | 'done' | 'declined'>('idle');
  const templates = typeof SUBSCRIBE_TEMPLATE_IDS === 'undefined' ? [] : SUBSCRIBE_TEMPLATE_IDS;
  if (process.env.TARO_ENV === 'h5' || templates.length === 0) {
    return <Text className="subscribe-note">办理进度、领取通知和评价邀请会通过短信发到您填写的手机号。</Text>;
  }
  const ask = async () => {
    setState('asking');
    try {
      const answer = (await Taro.requestSubscribeMessage({
        tmplIds: templates,
      } as Taro.requestSubscribeMessage.Option)) as unknown as Record<string, string>;
      const results = Object.fromEntries(templates.map((id) => [id, answer?.[id] ?? 'reject']));
      await postSubscriptions({ platform: process.env.TARO_ENV === 'alipay' ? 'alipay' : 'wechat', results }).catch(
        () => undefined,
      );
      setState(Object.values(results).includes('accept') ? 'done' : 'declined');
    } catch {
      setState('declined');
    }
  };
  if (state === 'done') return <Text className="subscribe-note">已开启提醒：办理进度会通过消息通知您。</Text>;
  return (
    <View className="subscribe">
      {state === 'declined' ? <Text className="subscribe-note">没有开启消息提醒，进度会通过短信通知您。</Text> : null}
      <AppButton type="primary" fill="outline" size="large" block loading={state === 'asking'} onClick={() => void ask()}>
        接收办理进度提醒
      </AppButton>
    </View>
  );
}
