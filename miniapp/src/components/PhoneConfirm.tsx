import { Input, Text, View } from '@tarojs/components';
import { usePhoneConfirmation } from '../hooks/usePhoneConfirmation';
import { formatChinaClock } from '../utils/format';
import { CODE_LENGTH } from '../utils/phone-confirm';
import { AppButton } from './AppButton';
import { Heading } from './Heading';
import './PhoneConfirm.css';

export interface PhoneConfirmProps {
  applicationId: string;
}

const INPUT_ID = 'phone-confirm-code';
const HINT_ID = `${INPUT_ID}-hint`;
const ERROR_ID = `${INPUT_ID}-error`;

/**
 * 接收短信提醒: the BFF sends notice SMS only to a phone the parent confirmed, so a parent who typed the
 * phone (WeChat, Alipay) proves it with a 6-digit code: 发送验证码 → a 60-second resend countdown → the
 * code → 确认. Every refusal shows the BFF's own words. Hidden once this device saw it confirmed.
 */
export function PhoneConfirm({ applicationId }: PhoneConfirmProps) {
  const phone = usePhoneConfirmation(applicationId);
  if (phone.hidden) return null;
  const h5 = process.env.TARO_ENV === 'h5';

  if (phone.phase === 'confirmed') {
    return (
      <View className="card phone-confirm phone-confirm-done" role="status">
        <Text className="phone-confirm-done-title">手机号 {phone.sentTo} 已验证</Text>
        <Text className="phone-confirm-text">已验证，办理进度将通过短信通知您。</Text>
      </View>
    );
  }

  const codeSent = phone.phase === 'sent' || phone.phase === 'checking';
  const describedBy = [HINT_ID, phone.error && phone.codeError ? ERROR_ID : ''].filter(Boolean).join(' ');
  return (
    <View className="card phone-confirm">
      <Heading level={2} className="card-title">
        接收短信提醒：验证手机号{phone.sentTo ? ` ${phone.sentTo}` : ''}
      </Heading>
      <View className="phone-confirm-text" aria-live="polite">
        {codeSent
          ? `验证码已发送到 ${phone.sentTo ?? '您的手机'}${phone.expiresAt ? `，请在 ${formatChinaClock(new Date(phone.expiresAt))} 前输入` : ''}。`
          : '验证申请中填写的手机号后，办理进度、领取通知会通过短信发给您。'}
      </View>

      {codeSent ? (
        <View className="phone-confirm-form">
          {h5 ? (
            <label className="phone-confirm-label" htmlFor={INPUT_ID}>
              短信验证码
            </label>
          ) : (
            <Text className="phone-confirm-label">短信验证码</Text>
          )}
          <Text className="phone-confirm-hint" id={HINT_ID}>
            请输入短信中的 {CODE_LENGTH} 位数字
          </Text>
          {/* No maxLength on H5: a pasted "123 456" or the whole SMS would be cut before the digits are picked out. */}
          {h5 ? (
            <input
              id={INPUT_ID}
              className="phone-confirm-input"
              value={phone.code}
              inputMode="numeric"
              pattern="[0-9]*"
              autoComplete="one-time-code"
              aria-invalid={phone.codeError ? true : undefined}
              aria-describedby={describedBy}
              onChange={(e) => phone.setCode(e.target.value)}
            />
          ) : (
            <Input
              id={INPUT_ID}
              className="phone-confirm-input"
              value={phone.code}
              type="number"
              maxlength={CODE_LENGTH}
              ariaLabel="短信验证码"
              onInput={(e) => phone.setCode(e.detail.value)}
            />
          )}
        </View>
      ) : null}

      {phone.error ? (
        <View className="phone-confirm-error" id={ERROR_ID} role="alert">
          {phone.error}
        </View>
      ) : null}

      {codeSent ? (
        <AppButton
          className="phone-confirm-submit"
          type="primary"
          size="large"
          block
          disabled={phone.code.length !== CODE_LENGTH}
          loading={phone.phase === 'checking'}
          onClick={() => void phone.confirm()}
        >
          确认
        </AppButton>
      ) : null}

      {codeSent && phone.resendIn > 0 ? (
        <View className="phone-confirm-countdown">{phone.resendIn} 秒后可重新发送</View>
      ) : (
        <AppButton
          className="phone-confirm-send"
          type="primary"
          fill={codeSent ? 'outline' : 'solid'}
          size="large"
          block
          loading={phone.phase === 'sending'}
          onClick={() => void phone.send()}
        >
          {codeSent ? '重新发送验证码' : '发送验证码'}
        </AppButton>
      )}
    </View>
  );
}
