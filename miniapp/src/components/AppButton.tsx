import { Button, type ButtonProps } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/button/style/css';

export type AppButtonProps = Partial<Omit<ButtonProps, 'ref'>>;

/**
 * NutUI's Button with what H5 lacks: Taro draws it as a <taro-button-core> element, which screen
 * readers do not know as a button and the keyboard cannot reach. app.ts turns Enter/Space into a click.
 * Mini programs get the native button and need nothing extra.
 */
export function AppButton(props: AppButtonProps) {
  const a11y = process.env.TARO_ENV === 'h5' ? { role: 'button', tabIndex: props.disabled ? -1 : 0 } : {};
  return <Button {...(a11y as AppButtonProps)} {...props} />;
}
