import fc from 'fast-check';
import {
  BAD_RATING_LEVELS,
  GOOD_RATING_LEVELS,
  RATING_CASE_EVENT_TYPES,
  RATING_LEVELS,
  RATING_TAGS,
  RatingCaseEvent,
  StageRatingInput,
  allowedRatingCaseEvents,
  isBadRating,
  ratingCaseEventRefusal,
  ratingCaseStatus,
  ratingInputSchema,
  type RatingCaseEventType,
  type RatingCaseFacts,
} from '@birth/shared';

const HAN = /\p{Script=Han}/u;

describe('rating levels and tags', () => {
  test('when the levels are split, then the first three are 好评 and the last two 差评, and only 差评 are bad', () => {
    expect([...GOOD_RATING_LEVELS, ...BAD_RATING_LEVELS]).toEqual([...RATING_LEVELS]);
    expect(RATING_LEVELS.filter(isBadRating)).toEqual(['dissatisfied', 'very_dissatisfied']);
  });

  test('when any level is chosen, then each of its tags is accepted and a tag of an opposite level is refused in Chinese', () => {
    for (const level of RATING_LEVELS) {
      expect(RATING_TAGS[level].length).toBeGreaterThan(0);
      for (const tag of RATING_TAGS[level]) {
        expect(StageRatingInput.safeParse({ stage: 'accepted', level, tags: [tag.code] }).success).toBe(true);
        expect(tag.label).toMatch(HAN);
      }
    }
    const wrong = StageRatingInput.safeParse({ stage: 'accepted', level: 'very_satisfied', tags: ['slow'] });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues[0]).toMatchObject({ path: ['tags', 0], message: expect.stringMatching(HAN) });
  });

  test('when the body says follow_up, then the follow-up schema is the one that checks it', () => {
    expect(
      ratingInputSchema({ stage: 'follow_up' }).safeParse({ stage: 'follow_up', of: 'completed', level: 'satisfied' }).success,
    ).toBe(true);
    expect(
      ratingInputSchema({ stage: 'accepted' }).safeParse({ stage: 'accepted', of: 'completed', level: 'satisfied' }).success,
    ).toBe(false);
  });

  test('when a case event misses its fields, then every one is named', () => {
    const res = RatingCaseEvent.safeParse({ eventId: 'short', type: 'call_back' });
    expect(res.success).toBe(false);
    expect(res.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['eventId', 'note', 'reached']);
  });
});

describe('the bad-rating case: status and allowed events as a table', () => {
  const at = new Date('2026-03-01T02:00:00Z');
  const table: [RatingCaseFacts, string, RatingCaseEventType[]][] = [
    [{}, 'awaiting_callback', ['call_back', 'appeal']],
    [{ callback: at }, 'rectifying', ['rectify', 'appeal']],
    [{ callback: at, rectification: at }, 'rectifying', ['feedback', 'appeal']],
    [{ callback: at, rectification: at, feedback: at }, 'feedback_given', []],
    [{ callback: at, rectification: at, feedback: at, followUpAt: at }, 'closed', []],
    [{ appeal: { state: 'pending' } }, 'awaiting_callback', ['call_back']],
    [{ appeal: { state: 'rejected' }, callback: at }, 'rectifying', ['rectify']],
    [{ appeal: { state: 'upheld' } }, 'appeal_upheld', []],
  ];
  test.each(table)('when the case has %j, then it is %s and allows %j', (facts, status, allowed) => {
    expect(ratingCaseStatus(facts)).toBe(status);
    expect(allowedRatingCaseEvents(facts)).toEqual(allowed);
  });

  test('when any sequence of events is tried, then only allowed ones apply and the loop order holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...RATING_CASE_EVENT_TYPES, 'uphold', 'reject', 'follow_up'), { maxLength: 12 }),
        (steps) => {
          const c: RatingCaseFacts = {};
          for (const step of steps) {
            if (step === 'uphold' || step === 'reject') {
              if (c.appeal?.state === 'pending') c.appeal = { state: step === 'uphold' ? 'upheld' : 'rejected' };
              continue;
            }
            if (step === 'follow_up') {
              if (c.feedback && ratingCaseStatus(c) === 'feedback_given') c.followUpAt = at;
              continue;
            }
            const refusal = ratingCaseEventRefusal(c, step);
            expect(refusal === null).toBe(allowedRatingCaseEvents(c).includes(step));
            if (refusal !== null) {
              expect(refusal).toMatch(HAN);
              continue;
            }
            if (step === 'call_back') c.callback = at;
            if (step === 'rectify') c.rectification = at;
            if (step === 'feedback') c.feedback = at;
            if (step === 'appeal') c.appeal = { state: 'pending' };
          }
          if (c.rectification) expect(c.callback).toBeDefined();
          if (c.feedback) expect(c.rectification).toBeDefined();
          if (c.followUpAt) expect(c.feedback).toBeDefined();
          if (c.appeal?.state === 'upheld') expect(allowedRatingCaseEvents(c)).toEqual([]);
        },
      ),
    );
  });
});
