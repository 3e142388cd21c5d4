// The department simulator (development only; `npm start` runs it with BFF_URL). It logs in as each of
// the four departments through the real department API and works their tasks after short random delays:
// accept (or, for a share of first dispatches, reject with every reason at once), complete with the
// catalogue's outputs, ship or ready for pickup as the parents chose, deliver. So a newcomer sees the
// progress page move without any department system.
//
// Env knobs (all optional):
//   BFF_URL           base URL of the BFF (default http://127.0.0.1:3000)
//   SIM_CLIENTS       code:clientId:secret,…  (default: the BFF's dev accounts dev-<code> / dev-<code>-secret)
//   SIM_POLL_MS       how often each department polls its tasks (default 1500)
//   SIM_MIN_DELAY_MS  SIM_MAX_DELAY_MS  random wait before each step of a task (default 2000–6000)
//   SIM_REJECT_RATE   share of first dispatches rejected, 0–1 (default 0.15); resubmitted items are never rejected
//
// Bad ratings (好差评): each department also works its rating cases — reads the call-back number (audited by
// the BFF, never logged here), records the call-back, the rectification and the feedback to the parent,
// who is then notified and may add one 追评. It never appeals.
//
// Every event id is derived from (task, resubmission, step), so a restarted simulator repeats an event
// the BFF has already applied only as an idempotent replay. A 409 means someone else moved the item: skipped.
import { createHash } from 'node:crypto';
import {
  DEFAULT_GUIDE,
  ITEM_CATALOGUE,
  allowedEvents as allowedEventsOf,
  idNumberCheckDigit,
  itemsForDepartment,
  statesFor,
  toChinaDateString,
  type DepartmentCode,
  type DepartmentEvent,
  type ItemKey,
  type ItemState,
  type RejectReason,
} from '@birth/shared';
import {
  DepartmentClient,
  HttpError,
  RatingCaseClient,
  type RatingCase,
  devCredentials,
  parseClients,
  type DepartmentCredentials,
  type DepartmentTask,
} from './lib/department-client';

export type SimulatorOptions = {
  baseUrl: string;
  /** Department service accounts; default the BFF's development accounts. */
  clients?: DepartmentCredentials[];
  pollMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Share (0–1) of first dispatches rejected. */
  rejectRate?: number;
  /** Random source in [0, 1) for delays and the reject decision; default Math.random. */
  random?: () => number;
  /** One line per action; default console.log. */
  log?: (line: string) => void;
  /** Aborting it stops the simulator (like stop()). */
  signal?: AbortSignal;
};

export type SimulatorHandle = {
  /** Stops polling, cancels scheduled steps and waits for requests in flight; resolves when all is quiet. */
  stop(): Promise<void>;
  /** Resolves once the simulator has stopped (by stop() or the signal). */
  done: Promise<void>;
};

export const DEFAULTS = { pollMs: 1500, minDelayMs: 2000, maxDelayMs: 6000, rejectRate: 0.15 } as const;

const DEPARTMENT_LABELS: Record<DepartmentCode, string> = {
  hospital: '医院',
  police: '公安',
  medical_insurance: '医保',
  social_security: '社保',
};

/** Realistic 不予受理 reasons per item, with the application field each one points at. */
const REJECT_REASONS: Record<ItemKey, RejectReason[]> = {
  birth_certificate: [
    { code: 'ID_PHOTO_UNCLEAR', field: 'mother.idNumber', message: '母亲身份证正面照片模糊，请重新上传清晰照片。' },
    { code: 'ID_PHOTO_UNCLEAR', field: 'father.idNumber', message: '父亲身份证正面照片模糊，请重新上传清晰照片。' },
    {
      code: 'BIRTH_TIME_MISMATCH',
      field: 'newborn.birthDateTime',
      message: '出生时间与医院分娩记录不一致，请核对出生日期和时间。',
    },
    { code: 'NAME_MISMATCH', field: 'newborn.name', message: '新生儿姓名与医院分娩登记信息不一致，请核对后修改。' },
    { code: 'ETHNICITY_MISMATCH', field: 'newborn.ethnicity', message: '新生儿民族应与父亲或母亲的民族一致，请核对。' },
  ],
  vaccination_certificate: [
    { code: 'PHONE_UNREACHABLE', field: 'mother.phone', message: '母亲手机号码无法接通，请核对联系电话，以便预约接种。' },
    { code: 'HOSPITAL_MISMATCH', field: 'newborn.hospitalId', message: '出生医院与接种建档信息不一致，请核对出生医院。' },
    { code: 'NAME_MISMATCH', field: 'newborn.name', message: '新生儿姓名与出生医学证明不一致，请核对后修改。' },
  ],
  hukou_registration: [
    {
      code: 'ADDRESS_MISMATCH',
      field: 'household.householdAddress',
      message: '户籍地址与户口簿不一致，请按户口簿首页地址填写。',
    },
    { code: 'HEAD_NAME_MISMATCH', field: 'household.householdHeadName', message: '户主姓名与户口簿不一致，请核对。' },
    {
      code: 'RELATIONSHIP_INVALID',
      field: 'household.relationshipToHead',
      message: '新生儿与户主关系填写有误，请按实际关系填写（如“子”“女”“孙子”“孙女”）。',
    },
    { code: 'MARRIAGE_NOT_FOUND', field: 'marriage.mode', message: '未能共享到父母的结婚登记信息，请改为填写结婚证字号。' },
    { code: 'ID_PHOTO_UNCLEAR', field: 'mother.idNumber', message: '身份证正面照片模糊，请重新上传清晰照片。' },
  ],
  medical_insurance: [
    { code: 'ADDRESS_MISMATCH', field: 'household.householdAddress', message: '参保地与户籍地址不一致，请核对户籍地址。' },
    { code: 'GUARDIAN_MISMATCH', field: 'household.registerWith', message: '随父或随母落户信息与户籍登记结果不一致，请核对。' },
    { code: 'NAME_MISMATCH', field: 'newborn.name', message: '新生儿姓名与户籍登记信息不一致，请核对。' },
  ],
  social_security_card: [
    {
      code: 'ADDRESS_INCOMPLETE',
      field: 'delivery.social_security_card',
      message: '收件地址不够详细，无法寄送社会保障卡，请补充到门牌号。',
    },
    { code: 'NAME_MISMATCH', field: 'newborn.name', message: '新生儿姓名与户籍登记信息不一致，请核对。' },
    {
      code: 'GUARDIAN_ID_MISMATCH',
      field: 'mother.idNumber',
      message: '监护人身份信息与户籍登记信息不一致，请核对监护人身份证号码。',
    },
  ],
};

const CASE_VERBS: Record<'call_back' | 'rectify' | 'feedback', string> = {
  call_back: 'called back about',
  rectify: 'recorded rectification for',
  feedback: 'fed back to the parent on',
};

const CARRIER = '中国邮政EMS';
/** The newborn's ID number: the household address is not parsed, so a Zhejiang (Hangzhou 上城区) code. */
const REGION_CODE = '330102';

type Step = 'accept' | 'reject' | 'complete' | 'ship' | 'ready_for_pickup' | 'deliver';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** `n` decimal digits derived from `seed` (deterministic, so a repeated event has the same body). */
function digits(seed: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++)
    out += BigInt(`0x${sha(`${seed}#${i}`)}`)
      .toString()
      .slice(1, 31);
  return out.slice(0, n);
}

/** Deterministic event id per (task, resubmission round, step), within the BFF's 8–100 [A-Za-z0-9_-:.] rule. */
export function eventIdFor(taskId: string, resubmissions: number, step: Step): string {
  return `sim-${sha(taskId).slice(0, 32)}-r${resubmissions}-${step}`;
}

/** A valid 公民身份号码 for a newborn born at `birthDateTime` (China date) of `sex`, deterministic per seed. */
export function newbornIdNumber(birthDateTime: string, sex: 'male' | 'female', seed: string): string {
  const date = toChinaDateString(new Date(birthDateTime)).replace(/-/g, '');
  const seq = digits(`${seed}|seq`, 2);
  const sexDigit = (Number(digits(`${seed}|sex`, 1)) % 5) * 2 + (sex === 'male' ? 1 : 0); // odd = male
  const first17 = `${REGION_CODE}${date}${seq}${sexDigit}`;
  return first17 + idNumberCheckDigit(first17);
}

/** The statuses in which a department has something to do for at least one of its items. */
function actionableStatuses(code: DepartmentCode): ItemState[] {
  const states = new Set<ItemState>();
  for (const key of itemsForDepartment(code)) {
    for (const state of statesFor(key)) if (allowedEventsOf(key, state, 'department').length > 0) states.add(state);
  }
  // Rejected items wait for the parents; nothing to do there.
  states.delete('rejected');
  return [...states];
}

function describeError(err: unknown): string {
  if (err instanceof HttpError) {
    // The problem's field paths and code, never its messages (they can quote personal data).
    const body = (err.body ?? {}) as { code?: unknown; errors?: { path?: unknown }[] };
    const paths = Array.isArray(body.errors) ? body.errors.map((e) => String(e.path ?? '')).filter(Boolean) : [];
    return `${err.method} ${err.path.replace(/\/tasks\/[^/?]+/, '/tasks/…')} → ${err.status}${typeof body.code === 'string' ? ` ${body.code}` : ''}${paths.length ? ` [${paths.join(', ')}]` : ''}`;
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'request timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

type PickupPoint = { id: string; name: string; address: string; hours: string };

export function runSimulator(options: SimulatorOptions): SimulatorHandle {
  const pollMs = options.pollMs ?? DEFAULTS.pollMs;
  const minDelay = options.minDelayMs ?? DEFAULTS.minDelayMs;
  const maxDelay = Math.max(minDelay, options.maxDelayMs ?? DEFAULTS.maxDelayMs);
  const rejectRate = Math.min(1, Math.max(0, options.rejectRate ?? DEFAULTS.rejectRate));
  const random = options.random ?? Math.random;
  const log = options.log ?? ((line: string) => console.log(line));
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const credentials = options.clients ?? devCredentials();

  const controller = new AbortController();
  const signal = controller.signal;
  const onOuterAbort = () => void stop();
  if (options.signal?.aborted) controller.abort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  /** Steps waiting for their delay or running, by `taskId|state|resubmissions`. */
  const pending = new Map<string, { timer?: NodeJS.Timeout; running?: Promise<void> }>();
  /** Steps done (or given up on for a while): key → time after which it may be tried again. */
  const handled = new Map<string, number>();
  const HANDLED_TTL_MS = 10 * 60_000;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  let pickupPoints: Promise<PickupPoint[]> | null = null;
  async function findPickupPoint(id: unknown): Promise<PickupPoint | undefined> {
    pickupPoints ??= (async () => {
      try {
        const res = await fetch(`${baseUrl}/api/v1/guide`, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
        const body = (await res.json()) as { pickupPoints?: PickupPoint[] };
        if (res.ok && Array.isArray(body.pickupPoints)) return body.pickupPoints;
      } catch {
        /* fall back to the default guide below */
      }
      pickupPoints = null; // try the BFF again next time
      return DEFAULT_GUIDE.pickupPoints as PickupPoint[];
    })();
    return (await pickupPoints).find((p) => p.id === id);
  }

  async function eventFor(client: DepartmentClient, task: DepartmentTask, step: Step): Promise<DepartmentEvent> {
    const round = task.resubmissions ?? 0;
    const eventId = eventIdFor(task.taskId, round, step);
    const seed = `${task.taskId}|${round}`;
    switch (step) {
      case 'accept':
        return { eventId, type: 'accept' };
      case 'reject': {
        // 一次性告知: all reasons in one event; 1–3 of them, chosen deterministically for this task.
        const pool = [...REJECT_REASONS[task.itemKey]];
        const count = 1 + (Number(digits(`${seed}|count`, 2)) % Math.min(3, pool.length));
        const reasons: RejectReason[] = [];
        for (let i = 0; i < count; i++) reasons.push(pool.splice(Number(digits(`${seed}|reason${i}`, 4)) % pool.length, 1)[0]);
        return { eventId, type: 'reject', reasons };
      }
      case 'complete':
        return { eventId, type: 'complete', outputs: await outputsFor(client, task) };
      case 'ship':
        return { eventId, type: 'ship', carrier: CARRIER, trackingNumber: `1${digits(`${seed}|tracking`, 12)}` };
      case 'ready_for_pickup': {
        const pointId = deliveryOf(task)?.pickupPointId;
        const point = await findPickupPoint(pointId);
        const place = point ? `${point.name}（${point.address}）` : '拟落户地行政服务中心出生“一件事”联办窗口';
        return {
          eventId,
          type: 'ready_for_pickup',
          place: place.slice(0, 200),
          hours: (point?.hours ?? '周一至周五 上午8:30—12:00，下午14:00—17:30（法定节假日除外）').slice(0, 200),
          pickupCode: digits(`${seed}|pickup`, 6),
        };
      }
      case 'deliver':
        return { eventId, type: 'deliver' };
    }
  }

  async function outputsFor(client: DepartmentClient, task: DepartmentTask): Promise<Record<string, string>> {
    const seed = task.taskId;
    switch (task.itemKey) {
      case 'birth_certificate':
        return { certificateNumber: `R33${digits(`${seed}|bc`, 7)}` };
      case 'vaccination_certificate':
        return { certificateNumber: `JZ33${digits(`${seed}|vc`, 10)}` };
      case 'hukou_registration': {
        // The list shows the newborn's birth time and sex; fetch the (audited) full task only when missing.
        let newborn = task.data?.newborn as { birthDateTime?: unknown; sex?: unknown } | undefined;
        if (typeof newborn?.birthDateTime !== 'string' || (newborn.sex !== 'male' && newborn.sex !== 'female')) {
          newborn = (await client.getTask(task.taskId)).data?.newborn as typeof newborn;
        }
        if (typeof newborn?.birthDateTime !== 'string' || (newborn.sex !== 'male' && newborn.sex !== 'female')) {
          throw new Error('the task shows no newborn birth time and sex, cannot make an ID number');
        }
        return {
          newbornIdNumber: newbornIdNumber(newborn.birthDateTime, newborn.sex, seed),
          hukouBookletNumber: `33${digits(`${seed}|booklet`, 7)}`,
        };
      }
      case 'medical_insurance':
        return { insuranceNumber: `3301${digits(`${seed}|mi`, 12)}` };
      case 'social_security_card':
        return { cardNumber: `A${digits(`${seed}|card`, 8)}` };
    }
  }

  function deliveryOf(task: DepartmentTask): { method?: unknown; pickupPointId?: unknown } | undefined {
    const delivery = task.data?.delivery as Record<string, { method?: unknown; pickupPointId?: unknown }> | undefined;
    return delivery?.[task.itemKey];
  }

  /** The next step for a task in its current state, or null when the department has nothing to do. */
  function nextStep(task: DepartmentTask): Step | null {
    const allowed = Array.isArray(task.allowedEvents)
      ? task.allowedEvents
      : allowedEventsOf(task.itemKey, task.state, 'department');
    const pick = (step: Step) => (allowed.includes(step) ? step : null);
    switch (task.state) {
      case 'dispatched': {
        // Only first dispatches are ever rejected: a resubmitted item has been corrected by the parents.
        const first = (task.resubmissions ?? 0) === 0;
        return first && rejectRate > 0 && random() < rejectRate ? pick('reject') : pick('accept');
      }
      case 'accepted':
        return pick('complete');
      case 'completed':
        if (!ITEM_CATALOGUE[task.itemKey]?.physical) return null;
        return deliveryOf(task)?.method === 'pickup' ? pick('ready_for_pickup') : pick('ship');
      case 'shipped':
      case 'ready_for_pickup':
        return pick('deliver');
      default:
        return null;
    }
  }

  const VERBS: Record<Step, string> = {
    accept: 'accepted',
    reject: 'rejected',
    complete: 'completed',
    ship: 'shipped',
    ready_for_pickup: 'made ready for pickup',
    deliver: 'delivered',
  };

  function describeStep(label: string, task: DepartmentTask, step: Step, event: DepartmentEvent): string {
    const name = ITEM_CATALOGUE[task.itemKey]?.name ?? task.itemKey;
    let extra = '';
    if (event.type === 'reject') extra = ` — ${event.reasons.length} 项原因（一次性告知）`;
    if (event.type === 'ship') extra = ` via ${event.carrier}`;
    if ((task.resubmissions ?? 0) > 0 && (step === 'accept' || step === 'reject')) extra += `（第${task.resubmissions}次补正后）`;
    return `[simulator] ${label} ${VERBS[step]} ${name} (task ${task.taskId.slice(0, 8)})${extra}`;
  }

  async function runStep(client: DepartmentClient, label: string, task: DepartmentTask, step: Step, key: string): Promise<void> {
    try {
      const event = await eventFor(client, task, step);
      if (signal.aborted) return;
      const result = await client.postEvent(task.taskId, event);
      handled.set(key, Date.now() + HANDLED_TTL_MS);
      if (result.outcome === 'applied') log(describeStep(label, task, step, event));
      else if (result.outcome === 'conflict') {
        log(
          `[simulator] ${label} skipped ${ITEM_CATALOGUE[task.itemKey]?.name ?? task.itemKey} (task ${task.taskId.slice(0, 8)}): it moved on meanwhile (409)`,
        );
      }
      // 'replayed': already applied by an earlier run; nothing to say.
    } catch (err) {
      if (signal.aborted) return;
      const transient = !(err instanceof HttpError) || err.status >= 500 || err.status === 429 || err.status === 409;
      // A refused event (400/404/422) is not retried for a minute; a transient failure on the next poll.
      handled.set(key, Date.now() + (transient ? Math.max(pollMs, (err as HttpError).retryAfterMs ?? 0) : 60_000));
      log(
        `[simulator] ${label} could not ${step} ${ITEM_CATALOGUE[task.itemKey]?.name ?? task.itemKey} (task ${task.taskId.slice(0, 8)}): ${describeError(err)}${transient ? ', will retry' : ''}`,
      );
    }
  }

  function consider(client: DepartmentClient, label: string, task: DepartmentTask): void {
    if (!task || typeof task.taskId !== 'string' || !ITEM_CATALOGUE[task.itemKey]) return;
    const key = `${task.taskId}|${task.state}|${task.resubmissions ?? 0}`;
    if (pending.has(key) || (handled.get(key) ?? 0) > Date.now()) return;
    const step = nextStep(task);
    if (!step) {
      // e.g. the reject/accept choice found nothing allowed: remember, so the dice are not thrown again.
      handled.set(key, Date.now() + HANDLED_TTL_MS);
      return;
    }
    const delay = minDelay + random() * (maxDelay - minDelay);
    const entry: { timer?: NodeJS.Timeout; running?: Promise<void> } = {};
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.running = runStep(client, label, task, step, key).finally(() => pending.delete(key));
    }, delay);
    pending.set(key, entry);
  }

  /** The next step of a bad-rating case and its body; the loop is call-back → rectify → feedback. */
  function caseStep(c: RatingCase): { type: 'call_back' | 'rectify' | 'feedback'; body: Record<string, unknown> } | null {
    const allowed = Array.isArray(c.allowedEvents) ? c.allowedEvents : [];
    const about = c.rating?.tags?.map((t) => t.label).join('、') || '办理体验';
    const items = c.items?.map((i) => i.name).join('、') || '出生“一件事”';
    if (allowed.includes('call_back'))
      return { type: 'call_back', body: { reached: true, note: `已电话回访评价人，了解到对“${about}”不满意。` } };
    if (allowed.includes('rectify'))
      return { type: 'rectify', body: { measures: `针对“${about}”，已对${items}的办理流程逐项检查并整改，明确专人跟进。` } };
    if (allowed.includes('feedback'))
      return {
        type: 'feedback',
        body: { message: `您好，关于您对${items}的评价，我们已回访并完成整改：${about}问题已明确专人跟进。感谢您的监督！` },
      };
    return null;
  }

  function considerCase(cases: RatingCaseClient, label: string, c: RatingCase): void {
    if (!c || typeof c.caseId !== 'string') return;
    const key = `case|${c.caseId}|${c.status}|${(c.allowedEvents ?? []).join(',')}`;
    if (pending.has(key) || (handled.get(key) ?? 0) > Date.now()) return;
    const step = caseStep(c);
    if (!step) {
      handled.set(key, Date.now() + HANDLED_TTL_MS);
      return;
    }
    const delay = minDelay + random() * (maxDelay - minDelay);
    const entry: { timer?: NodeJS.Timeout; running?: Promise<void> } = {};
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.running = (async () => {
        try {
          // Calling back means dialling the number: read it (the BFF audits this), use it, never log it.
          if (step.type === 'call_back') await cases.callbackPhone(c.caseId);
          if (signal.aborted) return;
          const eventId = `sim-case-${sha(c.caseId).slice(0, 32)}-${step.type}`;
          const outcome = await cases.postEvent(c.caseId, { eventId, type: step.type, ...step.body });
          handled.set(key, Date.now() + HANDLED_TTL_MS);
          if (outcome === 'applied')
            log(`[simulator] ${label} ${CASE_VERBS[step.type]} a bad rating (case ${c.caseId.slice(0, 11)})`);
        } catch (err) {
          if (signal.aborted) return;
          handled.set(key, Date.now() + Math.max(pollMs, 5000));
          log(`[simulator] ${label} could not ${step.type} case ${c.caseId.slice(0, 11)}: ${describeError(err)}, will retry`);
        }
      })().finally(() => pending.delete(key));
    }, delay);
    pending.set(key, entry);
  }

  async function worker(credential: DepartmentCredentials): Promise<void> {
    const label = DEPARTMENT_LABELS[credential.code] ?? credential.code;
    const client = new DepartmentClient({ ...credential, baseUrl, signal });
    const cases = new RatingCaseClient(client);
    const statuses = actionableStatuses(credential.code);
    let failures = 0;
    while (!signal.aborted) {
      try {
        for (const status of statuses) {
          if (signal.aborted) break;
          for (const task of await client.listTasks(status)) consider(client, label, task);
        }
        if (!signal.aborted) for (const c of await cases.listCases()) considerCase(cases, label, c);
        if (failures > 0) log(`[simulator] ${label} reached the BFF again`);
        failures = 0;
        await sleep(pollMs);
      } catch (err) {
        if (signal.aborted) break;
        failures += 1;
        const retryAfter = err instanceof HttpError ? err.retryAfterMs : undefined;
        const backoff = Math.min(30_000, pollMs * 2 ** Math.min(failures - 1, 10));
        const wait = Math.max(retryAfter ?? 0, backoff * (0.75 + random() * 0.5));
        if (failures === 1 || failures % 10 === 0) {
          const login = err instanceof HttpError && err.path === '/api/v1/dept/auth/token';
          const hint =
            login && err.status === 401 ? ` (login as ${credential.clientId} refused: check SIM_CLIENTS / DEPT_CLIENTS)` : '';
          log(
            `[simulator] ${label}: BFF not reachable or refused (${describeError(err)})${hint}; retrying in ${Math.round(wait)} ms${failures > 1 ? ` (attempt ${failures})` : ''}`,
          );
        }
        await sleep(wait);
      }
      const now = Date.now();
      for (const [key, until] of handled) if (until <= now) handled.delete(key);
    }
  }

  let stopping: Promise<void> | null = null;
  const workers = Promise.allSettled(credentials.map((c) => worker(c)));
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  function stop(): Promise<void> {
    stopping ??= (async () => {
      options.signal?.removeEventListener('abort', onOuterAbort);
      controller.abort();
      const running: Promise<void>[] = [];
      for (const entry of pending.values()) {
        if (entry.timer) clearTimeout(entry.timer);
        if (entry.running) running.push(entry.running);
      }
      await Promise.allSettled([workers, ...running]);
      pending.clear();
      resolveDone();
    })();
    return stopping;
  }
  if (signal.aborted) void stop();

  return { stop, done };
}

function numberFromEnv(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name} should be a number between ${min} and ${max}, got "${raw}"`);
  return value;
}

function main(): void {
  if (process.env.NODE_ENV === 'production' && process.env.SIM_ALLOW_PRODUCTION !== 'yes') {
    console.error('[simulator] refusing to run with NODE_ENV=production: it would accept, reject and complete real tasks');
    process.exit(1);
  }
  let options: SimulatorOptions;
  try {
    const minDelayMs = numberFromEnv('SIM_MIN_DELAY_MS', DEFAULTS.minDelayMs);
    options = {
      baseUrl: process.env.BFF_URL || 'http://127.0.0.1:3000',
      clients: process.env.SIM_CLIENTS ? parseClients(process.env.SIM_CLIENTS) : undefined,
      pollMs: numberFromEnv('SIM_POLL_MS', DEFAULTS.pollMs, { min: 10 }),
      minDelayMs,
      maxDelayMs: numberFromEnv('SIM_MAX_DELAY_MS', Math.max(minDelayMs, DEFAULTS.maxDelayMs), { min: minDelayMs }),
      rejectRate: numberFromEnv('SIM_REJECT_RATE', DEFAULTS.rejectRate, { min: 0, max: 1 }),
    };
  } catch (err) {
    console.error(`[simulator] ${(err as Error).message}`);
    process.exit(1);
  }
  const departments = (options.clients ?? devCredentials()).map((c) => DEPARTMENT_LABELS[c.code]).join('、');
  console.log(
    `[simulator] working the tasks of ${departments} at ${options.baseUrl} ` +
      `(poll ${options.pollMs} ms, delay ${options.minDelayMs}–${options.maxDelayMs} ms, reject ${Math.round((options.rejectRate ?? 0) * 100)}% of first dispatches)`,
  );
  const handle = runSimulator(options);
  const shutdown = (sig: string) => {
    console.log(`[simulator] ${sig}: stopping`);
    handle.stop().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) main();
