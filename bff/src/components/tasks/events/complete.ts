import { addCalendarDays, toChinaDateString, validateOutputs } from '@birth/shared';
import { validationFailed } from '../../../libraries/errors';
import { openData, sealOutputs } from '../../applications/application.data';
import { dispatchReadyItems } from '../../applications/application.dispatch';
import { noticeEntry } from '../../applications/application.notices';
import type { EventHandler } from './types';

/** Days after birth within which a newborn's resident medical insurance is paid, when configuration says nothing. */
const DEFAULT_PAY_WITHIN_DAYS = 90;

/**
 * 办结: exactly the item's outputs (checked), which unlock the items waiting on this one in the same change.
 * Medical insurance done also sends the §6.3.3 prompt: pay the contribution and activate the 医保电子凭证.
 */
export const complete: EventHandler<'complete'> = ({ doc, itemKey, event, items, now, crypto, calendar, notices }) => {
  const newborn = openData(doc.data, crypto).newborn as Record<string, unknown> | undefined;
  const errors = validateOutputs(itemKey, event.outputs, {
    newbornBirthDate: typeof newborn?.birthDateTime === 'string' ? newborn.birthDateTime : undefined,
    newbornSex: newborn?.sex as never,
    now,
  });
  if (errors.length) throw validationFailed(errors, '办结结果有误，请核对后重新提交');
  const unlocked = dispatchReadyItems(items, now, calendar);
  const birth = typeof newborn?.birthDateTime === 'string' ? new Date(newborn.birthDateTime) : undefined;
  const payment =
    itemKey === 'medical_insurance'
      ? [
          noticeEntry(
            'medical_insurance_payment',
            now,
            doc._id,
            'medical_insurance|payment',
            {
              at: now.toISOString(),
              ...(notices?.medicalInsuranceFee ? { amount: notices.medicalInsuranceFee } : {}),
              ...(birth && !Number.isNaN(birth.getTime())
                ? {
                    deadline: addCalendarDays(
                      toChinaDateString(birth),
                      notices?.medicalInsurancePayWithinDays ?? DEFAULT_PAY_WITHIN_DAYS,
                    ),
                  }
                : {}),
            },
            'medical_insurance',
          ),
        ]
      : [];
  return {
    notices: payment,
    set: {
      [`items.${itemKey}.completedAt`]: now,
      [`items.${itemKey}.outputs`]: sealOutputs(event.outputs as Record<string, string>, crypto),
      ...unlocked.set,
    },
    timeline: unlocked.timeline,
  };
};
