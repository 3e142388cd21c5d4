// What phones really do to the write path: two taps with two different keys, the two parents' phones at
// once, a submit whose process died after holding the newborn, a request that died after committing,
// and a withdrawn application that must not block its newborn.
import { randomBytes } from 'node:crypto';
import { findPersonalData } from '../support/leaks';
import { loginParent, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
let clock = new Date();
let crashAfterClaim: ((claimId: string) => boolean) | null = null;

beforeAll(async () => {
  server = await startTestServer({}, {
    now: () => clock,
    writerHooks: {
      afterClaim: async (claimId: string) => {
        if (crashAfterClaim?.(claimId)) throw new Error('simulated crash after the commit');
      },
    },
  } as never);
});
afterAll(() => server.close());
beforeEach(() => {
  clock = new Date();
  crashAfterClaim = null;
});

const key = () => `k-${randomBytes(8).toString('hex')}`;
const draft = async (token: string, input: unknown) => {
  const res = await api(server.url, 'POST', '/api/v1/applications', { token, body: input });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const submit = (token: string, id: string, k = key()) =>
  api(server.url, 'POST', `/api/v1/applications/${id}/submit`, { token, headers: { 'idempotency-key': k } });

test('when one draft is submitted twice at once with two different keys, then one application is submitted and its newborn stays held (10 rounds)', async () => {
  for (let round = 0; round < 10; round++) {
    const token = await loginParent(server.url);
    const input = validApplication();
    const id = await draft(token, input);
    const [a, b] = await Promise.all([submit(token, id), submit(token, id)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body).toMatchObject({ reason: 'ALREADY_SUBMITTED' });
    expect(loser.body.detail).toMatch(/已提交/);
    // The newborn is still held: another parent's draft for the same baby is refused, in Chinese.
    const other = await loginParent(server.url);
    const second = await submit(other, await draft(other, input));
    expect(second.status).toBe(409);
    expect(second.body.detail).toMatch(/已有一份出生“一件事”申请/);
    const list = await api(server.url, 'GET', '/api/v1/applications', { token });
    expect(list.body.applications.filter((x: any) => x.status !== 'draft')).toHaveLength(1);
  }
}, 240_000);

test("when the two parents' phones submit drafts for the same newborn at once, then exactly one is accepted (10 rounds)", async () => {
  for (let round = 0; round < 10; round++) {
    const input = validApplication();
    const mother = await loginParent(server.url);
    const father = await loginParent(server.url);
    const [m, f] = [await draft(mother, input), await draft(father, input)];
    const [a, b] = await Promise.all([submit(mother, m), submit(father, f)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    expect((a.status === 409 ? a : b).body.reason).toBe('NEWBORN_ALREADY_APPLIED');
  }
}, 240_000);

test('when a submit died right after committing, then the retry with its key answers 202 and another tap is told it is submitted', async () => {
  const token = await loginParent(server.url);
  const id = await draft(token, validApplication());
  crashAfterClaim = (claimId) => claimId.startsWith(`${id}:`);
  const k = key();
  const crashed = await submit(token, id, k);
  expect(crashed.status).toBe(500);
  crashAfterClaim = null;
  // The change was committed before the crash: the retry with the same key answers 202.
  const retry = await submit(token, id, k);
  expect(retry.status).toBe(202);
  expect(retry.body.status).toBe('in_progress');
  // A second tap with another key is told it is already submitted; there is one application.
  expect((await submit(token, id)).body.reason).toBe('ALREADY_SUBMITTED');
}, 120_000);

/** The newborn key the BFF computes for an application (a blind index of both parents and the birth minute). */
const newbornKeyOf = (input: ReturnType<typeof validApplication>) =>
  server.components.crypto.blindIndex(
    `${input.mother.idNumber}|${input.father.idNumber}|${new Date(input.newborn.birthDateTime).toISOString().slice(0, 16)}`,
    'newborn',
  );

test('when a submit died between holding the newborn and committing, then its retry submits with that claim', async () => {
  const input = validApplication();
  const token = await loginParent(server.url);
  const id = await draft(token, input);
  // What the killed submit left: the newborn claimed for this draft, the draft not submitted.
  const claim = await server.components.applicationsRepo.insertNewbornClaim(newbornKeyOf(input), 0, id, clock);
  expect(claim).not.toBeNull();
  const retry = await submit(token, id);
  expect(retry.status).toBe(202);
  expect((await server.components.applicationsRepo.findById(id))!.newbornClaim).toBe(claim);
}, 120_000);

test('when a draft holds the newborn but never submits, then another parent waits for the lease, then takes it over, and the draft can no longer submit', async () => {
  const input = validApplication();
  const stuck = await loginParent(server.url);
  const stuckId = await draft(stuck, input);
  // A submit that died between holding the newborn and committing: the claim is there, the draft is not submitted.
  const repo = server.components.applicationsRepo;
  const other = await loginParent(server.url);
  const otherId = await draft(other, input);
  const beforeSubmit = await submit(other, otherId);
  expect(beforeSubmit.status).toBe(202); // nobody held it yet
  // Withdraw that one (before any acceptance) so the newborn is free again, then leave a dead claim of the stuck draft.
  expect((await api(server.url, 'DELETE', `/api/v1/applications/${otherId}`, { token: other })).status).toBe(204);
  const submitted = (await repo.findById(otherId))!;
  const newbornKey = submitted.newbornKey!;
  const { nextGen } = await repo.newestNewbornClaim(newbornKey);
  expect(await repo.insertNewbornClaim(newbornKey, nextGen, stuckId, clock)).toBe(`${newbornKey}:${nextGen}`);

  const third = await loginParent(server.url);
  const thirdId = await draft(third, input);
  const early = await submit(third, thirdId);
  expect(early.status).toBe(409); // within the lease: the stuck submit might still be running
  clock = new Date(clock.getTime() + 61_000);
  const late = await submit(third, thirdId);
  expect(late.status).toBe(202);
  // The stuck draft's claim was freed through its own log: it cannot submit now.
  const stuckRetry = await submit(stuck, stuckId);
  expect(stuckRetry.status).toBe(409);
  expect(stuckRetry.body.reason).toBe('NEWBORN_ALREADY_APPLIED');
}, 120_000);

test('when an idempotent request died and left its key in progress, then a retry after the lease runs it', async () => {
  const token = await loginParent(server.url);
  const id = await draft(token, validApplication());
  const k = key();
  const owner = (await server.components.applicationsRepo.findById(id))!.ownerId;
  // What a killed process leaves behind: the key in progress, its lease over.
  await server.connection.collection('idempotency_keys').insertOne({
    _id: `parent:${owner}:${k}` as never,
    requestHash: (await import('node:crypto'))
      .createHash('sha256')
      .update(JSON.stringify({ op: 'submit', id }))
      .digest('base64url'),
    state: 'in_progress',
    leaseUntil: new Date(clock.getTime() - 1000),
    createdAt: new Date(clock.getTime() - 60_000),
  });
  const res = await submit(token, id, k);
  expect(res.status).toBe(202);
  const replay = await submit(token, id, k);
  expect(replay.status).toBe(202);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
}, 60_000);

test('when a submitted application is withdrawn, then its newborn can be applied for again', async () => {
  const input = validApplication();
  const token = await loginParent(server.url);
  const id = await draft(token, input);
  expect((await submit(token, id)).status).toBe(202);
  expect((await api(server.url, 'DELETE', `/api/v1/applications/${id}`, { token })).status).toBe(204);
  const again = await submit(token, await draft(token, input));
  expect(again.status).toBe(202);
}, 60_000);

/** Every document of every collection, as text: what a personal-data scan reads. */
async function everything(): Promise<string> {
  const parts: string[] = [];
  for (const c of await server.connection.db!.listCollections().toArray())
    parts.push(JSON.stringify(await server.connection.collection(c.name).find().toArray()));
  return parts.join('\n');
}

function personalValues(input: ReturnType<typeof validApplication>): string[] {
  const d = input.delivery.birth_certificate as { addressDetail: string };
  return [
    input.newborn.name,
    input.mother.name,
    input.father.name,
    input.mother.idNumber,
    input.father.idNumber,
    input.mother.phone,
    input.father.phone,
    d.addressDetail,
    (input as any).household?.address,
  ].filter((v): v is string => typeof v === 'string' && v.length > 1);
}

test.each(['withdrawn', 'swept'])(
  'when a draft with edits is %s, then no collection holds its names, addresses, ID numbers or phones',
  async (how) => {
    const input = validApplication();
    // Names must be Chinese: a unique run of characters per test.
    const unique = [...randomBytes(3).toString('hex')].map((h) => '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳'[parseInt(h, 16)]).join('');
    input.newborn.name = `王${unique}`;
    input.mother.name = `李${unique}`;
    input.father.name = `赵${unique}`;
    (input.delivery.birth_certificate as { addressDetail: string }).addressDetail = `文三路${unique}号`;
    const token = await loginParent(server.url);
    const id = await draft(token, input);
    // Edits: each a committed change with its (sealed) claim.
    let etag = (await api(server.url, 'GET', `/api/v1/applications/${id}`, { token })).headers.get('etag')!;
    for (const name of [`钱${unique}`, input.newborn.name]) {
      const res = await api(server.url, 'PATCH', `/api/v1/applications/${id}`, {
        token,
        headers: { 'if-match': etag },
        body: { newborn: { name } },
      });
      expect(res.status).toBe(200);
      etag = res.headers.get('etag')!;
    }
    const before = await everything();
    // The scan sees the data while the draft lives (names are in the document; IDs only sealed).
    expect(before).toContain(input.mother.name);
    expect(findPersonalData(before)).toEqual([]);

    if (how === 'withdrawn') {
      expect((await api(server.url, 'DELETE', `/api/v1/applications/${id}`, { token })).status).toBe(204);
    } else {
      clock = new Date(clock.getTime() + (server.config.DRAFT_RETENTION_HOURS + 1) * 3600_000);
      expect((await server.components.sweeper.sweepOnce()).drafts).toBeGreaterThanOrEqual(1);
    }
    const after = await everything();
    for (const value of [...personalValues(input), `钱${unique}`])
      expect({ value, found: after.includes(value) }).toEqual({ value, found: false });
    // Nor in sealed form: the draft's version claims keep their ids only (or are pruned already).
    const claims = await server.components.applicationsRepo.claimsOf(id);
    if (how === 'withdrawn') expect(claims.length).toBeGreaterThan(0);
    expect(claims.every((c) => c.update === undefined)).toBe(true);
    expect(await server.components.applicationsRepo.findById(id)).toBeNull();
  },
  60_000,
);
