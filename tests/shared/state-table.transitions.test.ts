import fc from 'fast-check';
import {
  ACTORS,
  ITEM_EVENTS,
  ITEM_KEYS,
  ITEM_STATES,
  ITEM_TRANSITIONS,
  allowedEvents,
  isCompletedOrBeyond,
  isFinal,
  itemsReadyToDispatch,
  nextState,
  statesFor,
  type ItemState,
} from '@birth/shared';

describe('item state table', () => {
  it('when reading the table, then it has exactly the transitions of the architecture', () => {
    expect(ITEM_TRANSITIONS.map((t) => `${t.from} -${t.event}(${t.actor})-> ${t.to}`)).toEqual([
      'waiting -dispatch(system)-> dispatched',
      'dispatched -accept(department)-> accepted',
      'dispatched -reject(department)-> rejected',
      'accepted -reject(department)-> rejected',
      'rejected -resubmit(parent)-> dispatched',
      'accepted -complete(department)-> completed',
      'completed -ship(department)-> shipped',
      'completed -ready_for_pickup(department)-> ready_for_pickup',
      'shipped -deliver(department)-> delivered',
      'ready_for_pickup -deliver(department)-> delivered',
    ]);
  });

  it('when a department accepts a dispatched item, then it is accepted', () => {
    expect(nextState('hukou_registration', 'dispatched', 'accept', 'department')).toBe('accepted');
  });

  it('when a department rejects after acceptance, then the item is rejected', () => {
    expect(nextState('hukou_registration', 'accepted', 'reject', 'department')).toBe('rejected');
  });

  it('when the parents resubmit a rejected item, then it goes back to the department', () => {
    expect(nextState('birth_certificate', 'rejected', 'resubmit', 'parent')).toBe('dispatched');
  });

  it('when the wrong actor sends a legal event, then it is refused', () => {
    expect(nextState('birth_certificate', 'rejected', 'resubmit', 'department')).toBeNull();
    expect(nextState('birth_certificate', 'dispatched', 'accept', 'parent')).toBeNull();
    expect(nextState('birth_certificate', 'waiting', 'dispatch', 'department')).toBeNull();
  });

  it('when an item is completed before acceptance, then it is refused', () => {
    expect(nextState('birth_certificate', 'dispatched', 'complete', 'department')).toBeNull();
  });

  it('when medical insurance is completed, then it is final and cannot be shipped or picked up', () => {
    expect(nextState('medical_insurance', 'completed', 'ship', 'department')).toBeNull();
    expect(nextState('medical_insurance', 'completed', 'ready_for_pickup', 'department')).toBeNull();
    expect(allowedEvents('medical_insurance', 'completed', 'department')).toEqual([]);
    expect(isFinal('medical_insurance', 'completed')).toBe(true);
    expect(statesFor('medical_insurance')).toEqual(['waiting', 'dispatched', 'accepted', 'rejected', 'completed']);
  });

  it('when a physical item is completed, then it can be shipped or made ready for pickup, and is not final', () => {
    expect(allowedEvents('social_security_card', 'completed', 'department')).toEqual(['ship', 'ready_for_pickup']);
    expect(isFinal('social_security_card', 'completed')).toBe(false);
    expect(nextState('social_security_card', 'ready_for_pickup', 'deliver', 'department')).toBe('delivered');
    expect(isFinal('social_security_card', 'delivered')).toBe(true);
  });

  it('when an item is rejected, then it is not final (the parents can still correct it)', () => {
    for (const key of ITEM_KEYS) expect(isFinal(key, 'rejected')).toBe(false);
  });

  it('when asking what a department may do with a dispatched item, then it is accept or reject', () => {
    expect(allowedEvents('birth_certificate', 'dispatched', 'department')).toEqual(['accept', 'reject']);
    expect(allowedEvents('birth_certificate', 'dispatched', 'parent')).toEqual([]);
  });

  it('when a state cannot occur for an item, then it is not final for it', () => {
    expect(isFinal('medical_insurance', 'delivered')).toBe(false);
  });

  it('when items.ts decides that a need is done, then it agrees with isCompletedOrBeyond', () => {
    for (const state of ITEM_STATES) {
      const ready = itemsReadyToDispatch({ birth_certificate: state }, ['birth_certificate', 'hukou_registration']);
      expect(ready.includes('hukou_registration')).toBe(isCompletedOrBeyond(state));
    }
  });

  it('when every completed-or-beyond state is checked, then each is reachable from completed', () => {
    const physical = statesFor('birth_certificate');
    for (const state of ITEM_STATES.filter(isCompletedOrBeyond)) expect(physical).toContain(state);
    expect(ITEM_STATES.filter(isCompletedOrBeyond)).toEqual(['completed', 'shipped', 'ready_for_pickup', 'delivered']);
  });
});

describe('item state table (properties)', () => {
  const itemKey = fc.constantFrom(...ITEM_KEYS);
  const step = fc.record({ event: fc.constantFrom(...ITEM_EVENTS), actor: fc.constantFrom(...ACTORS) });

  it('when random events are applied, then the item only ever moves along rows of the table', () => {
    fc.assert(
      fc.property(itemKey, fc.array(step, { maxLength: 60 }), (key, steps) => {
        let state: ItemState = 'waiting';
        const reachable = statesFor(key);
        for (const { event, actor } of steps) {
          const to = nextState(key, state, event, actor);
          if (to === null) continue;
          expect(ITEM_TRANSITIONS.some((t) => t.from === state && t.event === event && t.actor === actor && t.to === to)).toBe(
            true,
          );
          expect(reachable).toContain(to);
          state = to;
        }
        if (key === 'medical_insurance') {
          expect(['shipped', 'ready_for_pickup', 'delivered']).not.toContain(state);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when allowedEvents lists an event, then nextState accepts it, and only then', () => {
    fc.assert(
      fc.property(
        itemKey,
        fc.constantFrom(...ITEM_STATES),
        fc.constantFrom(...ACTORS),
        fc.constantFrom(...ITEM_EVENTS),
        (key, state, actor, event) => {
          expect(allowedEvents(key, state, actor).includes(event)).toBe(nextState(key, state, event, actor) !== null);
        },
      ),
    );
  });

  it('when an item is in a final state, then no event by anyone moves it', () => {
    fc.assert(
      fc.property(itemKey, step, (key, { event, actor }) => {
        const final = key === 'medical_insurance' ? 'completed' : 'delivered';
        expect(isFinal(key, final)).toBe(true);
        expect(nextState(key, final, event, actor)).toBeNull();
      }),
    );
  });

  it('when completed medical insurance gets any event, then it stays completed', () => {
    fc.assert(
      fc.property(step, ({ event, actor }) => {
        expect(nextState('medical_insurance', 'completed', event, actor)).toBeNull();
      }),
    );
  });
});
