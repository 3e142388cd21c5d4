import { Text, View } from '@tarojs/components';
import type { VerifiedIdentity } from '@birth/shared';
import { AppButton } from '../../components/AppButton';

const SOURCES: Record<VerifiedIdentity['source'], string> = { zheliban: '浙里办实名信息', dev: '测试账号的实名信息' };

export interface IdentityFillProps {
  identity: VerifiedIdentity;
  /** The button's words, e.g. 我是母亲，一键填入. */
  action: string;
  /** Already filled from it: say so instead of offering the button. */
  filled?: boolean;
  busy?: boolean;
  onFill: () => void;
}

/**
 * Offers the parent's verified name and phone (from 浙里办's real-name login) for one part of the form.
 * The app only ever holds them masked; the BFF writes the real values into the draft.
 */
export function IdentityFill({ identity, action, filled, busy, onFill }: IdentityFillProps) {
  return (
    <View className="identity-fill">
      <Text className="identity-fill-text">
        {SOURCES[identity.source]}：{/* Each value on one line: a phone number must not break in the middle. */}
        {identity.name ? <Text className="identity-fill-value">{identity.name}</Text> : null}
        {identity.name && identity.phone ? ' · ' : null}
        {identity.phone ? <Text className="identity-fill-value">{identity.phone}</Text> : null}
      </Text>
      {filled ? (
        <Text className="field-hint">已用实名信息填入，如不对可以重新填写。</Text>
      ) : (
        <AppButton className="identity-fill-button" fill="outline" type="primary" disabled={busy} onClick={onFill}>
          {action}
        </AppButton>
      )}
    </View>
  );
}
