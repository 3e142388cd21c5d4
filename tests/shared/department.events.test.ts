import { DepartmentEvent, formatZodIssues } from '@birth/shared';

describe('DepartmentEvent', () => {
  it('when each event type is sent well-formed, then it parses', () => {
    const events = [
      { eventId: 'evt-0001', type: 'accept' },
      { eventId: 'evt-0002', type: 'accept', note: '材料齐全' },
      {
        eventId: 'evt-0003',
        type: 'reject',
        reasons: [{ code: 'PHOTO_BLURRY', field: 'mother.idNumber', message: '母亲身份证照片模糊，请重新拍摄上传' }],
      },
      { eventId: 'evt-0004', type: 'complete', outputs: { certificateNumber: 'Q330123456' } },
      { eventId: 'evt-0005', type: 'ship', carrier: '中国邮政EMS', trackingNumber: '1234567890123' },
      {
        eventId: 'evt-0006',
        type: 'ready_for_pickup',
        place: '杭州市民中心J楼1楼',
        hours: '工作日 9:00-17:00',
        pickupCode: '8391',
      },
      { eventId: 'hospital:2025-03-01.0007', type: 'deliver' },
    ];
    for (const event of events) expect(DepartmentEvent.safeParse(event).success).toBe(true);
  });

  it('when a reject has no reason, then it is refused and the message asks for all reasons at once', () => {
    const result = DepartmentEvent.safeParse({ eventId: 'evt-0001', type: 'reject', reasons: [] });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(formatZodIssues(result.error)[0]).toEqual({ path: 'reasons', message: expect.stringContaining('一次性') });
  });

  it('when several reasons are given, then all are kept in order', () => {
    const reasons = [
      { message: '父亲身份证号码与户籍信息不一致' },
      { message: '户籍地址缺少门牌号', field: 'household.householdAddress' },
    ];
    const result = DepartmentEvent.safeParse({ eventId: 'evt-0001', type: 'reject', reasons });
    expect(result.success && result.data.type === 'reject' && result.data.reasons).toEqual(reasons);
  });

  it('when the eventId is too short or has odd characters, then it is refused', () => {
    for (const eventId of ['abc', 'evt 0001 x', 'evt/0001/x', 'x'.repeat(101)]) {
      expect(DepartmentEvent.safeParse({ eventId, type: 'accept' }).success).toBe(false);
    }
    expect(DepartmentEvent.safeParse({ eventId: 'a'.repeat(100), type: 'accept' }).success).toBe(true);
  });

  it('when the type is unknown, then the message lists the allowed types', () => {
    const result = DepartmentEvent.safeParse({ eventId: 'evt-0001', type: 'cancel' });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodIssues(result.error)[0].message).toContain('ready_for_pickup');
  });

  it('when an event carries fields of another type, then the unknown keys are refused', () => {
    expect(DepartmentEvent.safeParse({ eventId: 'evt-0001', type: 'accept', reasons: [] }).success).toBe(false);
  });

  it('when a ship event lacks its tracking number, then it is refused at that path', () => {
    const result = DepartmentEvent.safeParse({ eventId: 'evt-0001', type: 'ship', carrier: 'EMS' });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodIssues(result.error).map((e) => e.path)).toEqual(['trackingNumber']);
  });
});
