// Helpers for the 好差评 suites: drive an application's items through the real department API, rate over
// real HTTP, and read what the relay delivered.
import { randomUUID } from 'node:crypto';
import { ITEM_CATALOGUE, ITEM_KEYS, type ItemKey } from '@birth/shared';
import { newbornIdNumber } from '../../scripts/department-simulator';
import { departmentToken, submittedApplication, validApplication } from './fixtures';
import { api, type TestServer } from './test-server';

const tokens = new Map<string, string>();
export async function deptToken(base: string, code: string): Promise<string> {
  const key = `${base}|${code}`;
  if (!tokens.has(key)) tokens.set(key, await departmentToken(base, code));
  return tokens.get(key)!;
}

export async function itemEvent(base: string, applicationId: string, itemKey: ItemKey, body: Record<string, unknown>) {
  const res = await api(base, 'POST', `/api/v1/dept/tasks/${applicationId}.${itemKey}/events`, {
    token: await deptToken(base, ITEM_CATALOGUE[itemKey].department),
    body: { eventId: `t-${randomUUID()}`, ...body },
  });
  if (res.status !== 200) throw new Error(`${itemKey} ${String(body.type)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A valid application for just these items (deliveries of the others removed). */
export function applicationFor(items?: ItemKey[]) {
  const input = validApplication(items ? { items } : {});
  if (items)
    for (const key of Object.keys(input.delivery))
      if (!items.includes(key as ItemKey)) delete (input.delivery as Record<string, unknown>)[key];
  return input;
}

/** A submitted application whose birth certificate the hospital has accepted (the 受理 stage is reached). */
export async function acceptedApplication(base: string, items?: ItemKey[]) {
  const app = await submittedApplication(base, applicationFor(items));
  await itemEvent(base, app.id, 'birth_certificate', { type: 'accept' });
  return app;
}

function outputsFor(itemKey: ItemKey, input: Record<string, any>, seed: string): Record<string, string> {
  switch (itemKey) {
    case 'birth_certificate':
      return { certificateNumber: 'R330000001' };
    case 'vaccination_certificate':
      return { certificateNumber: 'JZ3300000001' };
    case 'hukou_registration':
      return {
        newbornIdNumber: newbornIdNumber(input.newborn.birthDateTime, input.newborn.sex, seed),
        hukouBookletNumber: '330000001',
      };
    case 'medical_insurance':
      return { insuranceNumber: '330100000000001' };
    case 'social_security_card':
      return { cardNumber: 'A00000001' };
  }
}

/** Moves every item of the application to its final state (delivered, or completed for insurance). */
export async function finishAllItems(base: string, applicationId: string, input: Record<string, any>) {
  for (let round = 0; round < 30; round++) {
    let moved = false;
    for (const key of ITEM_KEYS) {
      if (!(input.items as string[]).includes(key)) continue;
      const task = await api(base, 'GET', `/api/v1/dept/tasks/${applicationId}.${key}`, {
        token: await deptToken(base, ITEM_CATALOGUE[key].department),
      });
      if (task.status !== 200) continue; // still waiting on another item
      const state = task.body.state as string;
      const pickup = input.delivery?.[key]?.method === 'pickup';
      const next: Record<string, Record<string, unknown>> = {
        dispatched: { type: 'accept' },
        accepted: { type: 'complete', outputs: outputsFor(key, input, applicationId) },
        ...(ITEM_CATALOGUE[key].physical
          ? {
              completed: pickup
                ? { type: 'ready_for_pickup', place: '杭州市民中心', hours: '工作日 9:00-17:00' }
                : { type: 'ship', carrier: 'EMS', trackingNumber: 'EMS000000001' },
              shipped: { type: 'deliver' },
              ready_for_pickup: { type: 'deliver' },
            }
          : {}),
      };
      if (next[state]) {
        await itemEvent(base, applicationId, key, next[state]);
        moved = true;
      }
    }
    if (!moved) return;
  }
}

/** A submitted application with every item finished (the 办结 stage is reached). Birth certificate only, by default. */
export async function completedApplication(base: string, items: ItemKey[] = ['birth_certificate']) {
  const input = applicationFor(items);
  const app = await submittedApplication(base, input);
  await finishAllItems(base, app.id, input);
  return app;
}

export const rate = (base: string, token: string, applicationId: string, body: unknown, headers?: Record<string, string>) =>
  api(base, 'POST', `/api/v1/applications/${applicationId}/ratings`, { token, body, headers });

export const caseEvent = async (base: string, department: string, caseId: string, body: Record<string, unknown>) =>
  api(base, 'POST', `/api/v1/dept/ratings/cases/${caseId}/events`, { token: await deptToken(base, department), body });

/** Runs the server's own relay (its clock, its dev push and SMS) until nothing more is due. */
export async function drain(server: TestServer) {
  for (let i = 0; i < 20; i++) {
    const r = await server.components.relay.runOnce();
    if (!r.delivered && !r.retried && !r.dead) return;
  }
}

/** The parent's notices (newest first) of one application, by template. */
export async function noticesOf(server: TestServer, applicationId: string) {
  return server.connection.collection('notifications').find({ applicationId }).sort({ createdAt: 1 }).toArray();
}

export const devInboxOf = (server: TestServer, deliveryKey: string) =>
  server.connection
    .collection('dev_inbox')
    .find({ _id: { $in: [`${deliveryKey}:push`, `${deliveryKey}:sms`] } as never })
    .toArray();
