// Members: who is on the trip (the owner and companion profiles, who have no login), removing
// one, adding a profile you already have, or creating a new profile and adding it at once.

import { h } from '../dom.js';
import { op } from '../ops.js';
import { t } from '../public/i18n.js';
import { newPanel, rowError, emptyState, initials, fill } from './kit.js';

export default {
  id: 'members',
  title: () => t('members.title'),
  area: 'side',
  ops: ['list_companions', 'create_companion', 'add_trip_member', 'remove_trip_member'],
  load: () => op('list_companions').then((r) => r.companions),
  render(body, ctx) {
    const { members, trip } = ctx.summary;
    const onTrip = new Set(members.map((m) => m.user_id));
    const others = (ctx.extra.members ?? []).filter((c) => !onTrip.has(c.user_id));
    fill(body, 
      h('ul', { class: 'rows', id: 'member-list' }, members.map((m) => memberRow(ctx, m, trip.is_owner))),
      members.length === 1 ? emptyState(t('members.onlyYou'), t('members.onlyYouHint')) : null,
      trip.is_owner ? null : h('p', { class: 'muted small' }, t('members.notOwner')),
      trip.is_owner && others.length ? newPanel(ctx, {
        key: 'add-member', summary: t('members.addExisting'), submitLabel: t('members.addToTrip'), cls: 'mini-form',
        fields: [{ name: 'user_id', label: t('members.pick'), type: 'select', numeric: true,
          options: others.map((c) => [c.user_id, c.name]) }],
        submit: (v) => op('add_trip_member', { trip_id: ctx.tripId, user_id: v.user_id }),
      }) : null,
      trip.is_owner ? newPanel(ctx, {
        key: 'new-member', summary: t('members.newCompanion'), submitLabel: t('members.createAndAdd'), cls: 'mini-form',
        fields: [{ name: 'name', label: t('members.field.name'), max: 100, grow: true, placeholder: t('members.placeholder.name') }],
        submit: async (v) => {
          const created = await op('create_companion', { name: v.name ?? '' });
          await op('add_trip_member', { trip_id: ctx.tripId, user_id: created.user_id });
        },
      }) : null);
  },
};

function memberRow(ctx, m, isOwner) {
  const errorEl = rowError();
  return h('li', { class: 'member-row', dataset: { userId: m.user_id } },
    h('div', { class: 'row-item' },
      h('div', { class: 'row-main' },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(m.name)),
        h('span', {}, m.name),
        m.role === 'owner' ? h('span', { class: 'tag' }, t('members.owner')) : null),
      isOwner && m.role !== 'owner' ? h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'link-btn danger', 'aria-label': t('members.removeNamed', { name: m.name }),
          onclick: (e) => ctx.act({ button: e.currentTarget, errorEl, focus: 'new-member-summary' },
            () => op('remove_trip_member', { trip_id: ctx.tripId, user_id: m.user_id })) }, t('members.remove'))) : null),
    errorEl);
}
