import { ITEM_KEYS, itemsReadyToDispatch, type ItemKey, type ItemState } from '@birth/shared';

const ALL = [...ITEM_KEYS];

describe('itemsReadyToDispatch', () => {
  it('when nothing has started, then only the birth certificate can go', () => {
    expect(itemsReadyToDispatch({}, ALL)).toEqual(['birth_certificate']);
    const waiting = Object.fromEntries(ALL.map((k) => [k, 'waiting'])) as Record<ItemKey, ItemState>;
    expect(itemsReadyToDispatch(waiting, ALL)).toEqual(['birth_certificate']);
  });

  it('when the birth certificate is completed, then vaccination and hukou both become ready', () => {
    const states: Partial<Record<ItemKey, ItemState>> = {
      birth_certificate: 'completed',
      vaccination_certificate: 'waiting',
      hukou_registration: 'waiting',
      medical_insurance: 'waiting',
      social_security_card: 'waiting',
    };
    expect(itemsReadyToDispatch(states, ALL)).toEqual(['vaccination_certificate', 'hukou_registration']);
  });

  it('when a need is only accepted or rejected, then the dependent item keeps waiting', () => {
    for (const state of ['dispatched', 'accepted', 'rejected'] as ItemState[]) {
      expect(itemsReadyToDispatch({ birth_certificate: state }, ALL)).toEqual([]);
    }
  });

  it('when a need is shipped, ready for pickup or delivered, then it counts as done', () => {
    for (const state of ['shipped', 'ready_for_pickup', 'delivered'] as ItemState[]) {
      expect(itemsReadyToDispatch({ birth_certificate: state, vaccination_certificate: 'dispatched' }, ALL)).toEqual([
        'hukou_registration',
      ]);
    }
  });

  it('when an item is already dispatched, then it is not returned again', () => {
    expect(itemsReadyToDispatch({ birth_certificate: 'dispatched' }, ['birth_certificate'])).toEqual([]);
  });

  it('when a needed item was not chosen, then it counts as satisfied outside this application', () => {
    expect(itemsReadyToDispatch({}, ['medical_insurance'])).toEqual(['medical_insurance']);
    expect(itemsReadyToDispatch({ medical_insurance: 'completed' }, ['medical_insurance', 'social_security_card'])).toEqual([
      'social_security_card',
    ]);
  });

  it('when states list an item that was not chosen, then it is ignored', () => {
    expect(
      itemsReadyToDispatch({ birth_certificate: 'completed', hukou_registration: 'waiting' }, [
        'birth_certificate',
        'vaccination_certificate',
      ]),
    ).toEqual(['vaccination_certificate']);
  });
});
