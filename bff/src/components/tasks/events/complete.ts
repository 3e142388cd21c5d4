import { validateOutputs } from '@birth/shared';
import { validationFailed } from '../../../libraries/errors';
import { openData, sealOutputs } from '../../applications/application.data';
import { dispatchReadyItems } from '../../applications/application.dispatch';
import type { EventHandler } from './types';

/** 办结: exactly the item's outputs (checked), which unlock the items waiting on this one in the same change. */
export const complete: EventHandler<'complete'> = ({ doc, itemKey, event, items, now, crypto, calendar }) => {
  const newborn = openData(doc.data, crypto).newborn as Record<string, unknown> | undefined;
  const errors = validateOutputs(itemKey, event.outputs, {
    newbornBirthDate: typeof newborn?.birthDateTime === 'string' ? newborn.birthDateTime : undefined,
    newbornSex: newborn?.sex as never,
    now,
  });
  if (errors.length) throw validationFailed(errors, '办结结果有误，请核对后重新提交');
  const unlocked = dispatchReadyItems(items, now, calendar);
  return {
    set: {
      [`items.${itemKey}.completedAt`]: now,
      [`items.${itemKey}.outputs`]: sealOutputs(event.outputs as Record<string, string>, crypto),
      ...unlocked.set,
    },
    timeline: unlocked.timeline,
  };
};
