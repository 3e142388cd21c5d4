// Several item changes of one application within a short window reach the parent as one notice:
// "出生医学证明、预防接种证已办结；出生户口登记已受理。" instead of three messages a minute apart.
import { ITEM_CATALOGUE, isItemKey } from '@birth/shared';
import type { OutboxEntry } from '../applications/application.model';
import type { RenderedNotice } from './notification.templates';
import { wantsSms } from './notification.templates';

/** The template of a combined notice (its push template id defaults to this name too). */
export const COMBINED_TEMPLATE = 'item_updates';

/** Item changes that may be combined. Rejections and pickups stay on their own: each asks for an action. */
export const COMBINABLE: ReadonlySet<string> = new Set(['item_accepted', 'item_completed', 'item_shipped', 'item_delivered']);

const VERB: Record<string, string> = {
  item_accepted: '已受理',
  item_completed: '已办结',
  item_shipped: '已寄出',
  item_delivered: '已送达',
};

type Member = { template: string; itemKey?: string; params: Record<string, string> };

/**
 * The outbox entry the relay hands the notifier for a group. It carries the first member's id: the notice is
 * found in the parent's inbox by that entry (notices are looked up by outbox entry id), and a redelivery of
 * the same group — membership is fixed once the window has closed — is recognised by it.
 */
export function combinedEntry(members: OutboxEntry[]): OutboxEntry {
  const first = members[0];
  const list: Member[] = members.map((m) => ({
    template: m.template,
    ...(m.itemKey ? { itemKey: m.itemKey } : {}),
    params: m.params ?? {},
  }));
  return {
    ...first,
    id: first.id,
    template: COMBINED_TEMPLATE,
    itemKey: undefined,
    params: { members: JSON.stringify(list) },
  };
}

export function combinedMembers(params: Record<string, string>): Member[] {
  try {
    const parsed = JSON.parse(params.members ?? '[]') as Member[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

const nameOf = (m: Member) => m.params.itemName || (m.itemKey && isItemKey(m.itemKey) ? ITEM_CATALOGUE[m.itemKey].name : '事项');

/** One line per kind of change, items named once, tracking numbers kept (a parent needs them). */
export function renderCombined(params: Record<string, string>): RenderedNotice | undefined {
  const members = combinedMembers(params);
  if (!members.length || members.some((m) => !VERB[m.template])) return undefined;
  const groups = new Map<string, string[]>();
  for (const m of members) {
    const tracking = m.template === 'item_shipped' ? [m.params.carrier, m.params.trackingNumber].filter(Boolean).join(' ') : '';
    const list = groups.get(m.template) ?? [];
    list.push(tracking ? `${nameOf(m)}（${tracking}）` : nameOf(m));
    groups.set(m.template, list);
  }
  const lines = [...groups.entries()].map(([template, names]) => `${names.join('、')}${VERB[template]}`);
  return {
    title: `出生“一件事”有 ${members.length} 个事项更新`,
    body: `${lines.join('；')}。详情请打开“我的申请”查看。`,
  };
}

/** A combined notice goes by SMS (when no push) if any of its changes would. */
export const combinedWantsSms = (params: Record<string, string>) =>
  combinedMembers(params).some((m) => wantsSms(m.template, m.itemKey));
