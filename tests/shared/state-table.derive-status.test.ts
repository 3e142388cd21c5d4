import {
  APPLICATION_STATUSES,
  APPLICATION_STATUS_LABELS,
  ITEM_STATES,
  ITEM_STATE_LABELS,
  deriveApplicationStatus,
} from '@birth/shared';
import { HAN } from './support/fixtures';

describe('deriveApplicationStatus', () => {
  it('when any item is rejected, then the application needs correction', () => {
    expect(
      deriveApplicationStatus({ birth_certificate: { state: 'delivered' }, hukou_registration: { state: 'rejected' } }),
    ).toBe('needs_correction');
  });

  it('when every item is in its final state, then the application is completed', () => {
    expect(
      deriveApplicationStatus({
        birth_certificate: { state: 'delivered' },
        hukou_registration: { state: 'delivered' },
        medical_insurance: { state: 'completed' },
      }),
    ).toBe('completed');
  });

  it('when a physical item is only completed (not yet delivered), then the application is still in progress', () => {
    expect(deriveApplicationStatus({ birth_certificate: { state: 'completed' } })).toBe('in_progress');
  });

  it('when items are waiting or being handled, then the application is in progress', () => {
    expect(deriveApplicationStatus({ birth_certificate: { state: 'accepted' }, hukou_registration: { state: 'waiting' } })).toBe(
      'in_progress',
    );
  });

  it('when there are no items, then it is in progress, never completed', () => {
    expect(deriveApplicationStatus({})).toBe('in_progress');
  });

  it('when labels are shown, then every state and status has a Chinese label', () => {
    for (const state of ITEM_STATES) expect(ITEM_STATE_LABELS[state]).toMatch(HAN);
    for (const status of APPLICATION_STATUSES) expect(APPLICATION_STATUS_LABELS[status]).toMatch(HAN);
    expect(APPLICATION_STATUSES).toEqual(['draft', 'in_progress', 'needs_correction', 'completed', 'withdrawn']);
  });
});
