import { Text, View } from '@tarojs/components';
import { Switch } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/switch/style/css';
import { setElderMode, useElderMode } from '../hooks/useElderMode';
import './ElderToggle.css';

/** The 长辈模式 switch: larger type and higher contrast, remembered on this phone. */
export function ElderToggle() {
  const elder = useElderMode();
  // NutUI sets `ariaRole`, which only mini programs understand; H5 needs the plain `role` attribute.
  const h5Role = process.env.TARO_ENV === 'h5' ? ({ role: 'switch' } as object) : {};
  return (
    <View className={`elder-toggle${elder ? ' is-on' : ''}`} onClick={() => setElderMode(!elder)}>
      <Text className="elder-toggle-label" aria-hidden>
        长辈模式
      </Text>
      <Switch
        {...h5Role}
        checked={elder}
        ariaLabel="长辈模式（大字体、高对比度）"
        // The whole pill is the tap target and toggles; the switch's own change must not toggle again.
        onChange={() => undefined}
      />
    </View>
  );
}
