import { Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { getGuide, postSubscriptions } from '../services/api';
import { miniProgramCode } from '../services/session';
import { askSubscriptions, subscribePlatform } from '../services/subscribe';
import { AppButton } from './AppButton';

export type SubscribeState = 'idle' | 'asking' | 'done' | 'declined';

export interface SubscribePromptControl {
  /** A prompt exists here: a mini program with templates configured in the BFF. */
  available: boolean;
  state: SubscribeState;
  /** Not asked yet on this page: leaving should ask first. */
  pending: boolean;
  /** Shows the platform's prompt; call it straight from a tap (both platforms refuse otherwise). */
  ask: () => Promise<void>;
}

/**
 * The subscribe-message prompt of a page: the templates come from the BFF's configuration (with the
 * guide), the answer goes to `POST /api/v1/subscriptions`. On H5 (浙里办 has no subscribe message) and
 * without templates it is never available: notices come by SMS.
 */
export function useSubscribePrompt(enabled: boolean): SubscribePromptControl {
  const platform = subscribePlatform();
  const [templates, setTemplates] = useState<string[]>([]);
  const [state, setState] = useState<SubscribeState>('idle');
  const asked = useRef(false);

  useEffect(() => {
    if (!enabled || !platform) return;
    let live = true;
    getGuide().then(
      (guide) => {
        if (live) setTemplates(guide.subscribeTemplates?.[platform] ?? []);
      },
      () => undefined, // no templates: the SMS note stays
    );
    return () => {
      live = false;
    };
  }, [enabled, platform]);

  const available = enabled && !!platform && templates.length > 0;
  const ask = useCallback(async () => {
    if (!platform || templates.length === 0 || asked.current) return;
    asked.current = true;
    setState('asking');
    // The platform call happens synchronously inside this tap; only the report waits.
    const body = await askSubscriptions(platform, templates);
    // Reported with a fresh login code (the account the messages go to); a failure leaves SMS as the channel.
    if (body)
      await miniProgramCode()
        .then((code) => postSubscriptions({ ...body, code }))
        .catch(() => undefined);
    setState(body?.results.some((r) => r.result === 'accept') ? 'done' : 'declined');
  }, [platform, templates]);

  return { available, state, pending: available && state === 'idle', ask };
}

/**
 * After submitting: in the mini programs, a button that asks for the progress, pickup and rating
 * templates; on H5 and where none is configured, the note that SMS will be used.
 */
export function SubscribePrompt({ control }: { control: SubscribePromptControl }) {
  if (!control.available) {
    return <Text className="subscribe-note">办理进度、领取通知和评价邀请会通过短信发到您填写的手机号。</Text>;
  }
  if (control.state === 'done') return <Text className="subscribe-note">已开启提醒：办理进度会通过消息通知您。</Text>;
  if (control.state === 'declined') return <Text className="subscribe-note">没有开启消息提醒，进度会通过短信通知您。</Text>;
  return (
    <View className="subscribe">
      <AppButton
        type="primary"
        fill="outline"
        size="large"
        block
        loading={control.state === 'asking'}
        onClick={() => void control.ask()}
      >
        接收办理进度提醒
      </AppButton>
    </View>
  );
}
