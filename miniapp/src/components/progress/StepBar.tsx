import { Text, View } from '@tarojs/components';
import type { ItemSteps } from '../../utils/progress';

/** An item's steps side by side: done (tick), current (filled), returned (!, red), still to come (hollow). */
export function StepBar({ steps, summary }: ItemSteps) {
  // One label for the whole bar: screen readers hear "共5步，已完成3步：已办结" instead of five fragments.
  const a11y = process.env.TARO_ENV === 'h5' ? ({ role: 'img', 'aria-label': summary } as object) : { ariaLabel: summary };
  return (
    <View className="steps" {...a11y}>
      {steps.map((step, index) => (
        <View className={`step step-${step.status}`} key={`${index}-${step.label}`} aria-hidden>
          <View className="step-dot">
            <Text className="step-mark">{step.status === 'done' ? '✓' : step.status === 'error' ? '!' : String(index + 1)}</Text>
          </View>
          <Text className="step-label">{step.label}</Text>
        </View>
      ))}
    </View>
  );
}
