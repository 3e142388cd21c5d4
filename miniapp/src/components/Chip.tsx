import { Text } from '@tarojs/components';
import type { Tone } from '../utils/progress';

export interface ChipProps {
  tone: Tone;
  label: string;
  className?: string;
}

/** A status word on a tinted pill; the word itself carries the meaning, the colour only helps. */
export function Chip({ tone, label, className }: ChipProps) {
  return <Text className={`chip chip-${tone}${className ? ` ${className}` : ''}`}>{label}</Text>;
}
