import { Text, View } from '@tarojs/components';
import { setElderMode, useElderMode } from '../hooks/useElderMode';
import './ElderToggle.css';

/**
 * The 长辈模式 switch: larger type and higher contrast, remembered on this phone. Drawn by hand rather
 * than with NutUI's Switch, whose `aria-role` attribute is invalid ARIA on H5 and whose CSS was copied
 * into every page chunk.
 */
export function ElderToggle() {
  const elder = useElderMode();
  const a11y =
    process.env.TARO_ENV === 'h5'
      ? ({
          role: 'switch',
          'aria-checked': elder ? 'true' : 'false',
          'aria-label': '长辈模式（大字体、高对比度）',
          tabIndex: 0,
        } as object)
      : { ariaRole: 'switch', ariaLabel: `长辈模式，${elder ? '已开启' : '已关闭'}` };
  return (
    <View className={`elder-toggle${elder ? ' is-on' : ''}`} {...a11y} onClick={() => setElderMode(!elder)}>
      <Text className="elder-toggle-label" aria-hidden>
        长辈模式
      </Text>
      <View className="elder-toggle-track" aria-hidden>
        <View className="elder-toggle-knob" />
      </View>
    </View>
  );
}
