// Budget: expenses (edit, delete), each split among members with a paid toggle per person,
// per-person totals, who pays whom to settle, and spending by category as a plain SVG chart.

import { h } from '../dom.js';
import { op } from '../ops.js';
import { t } from '../public/i18n.js';
import { editorForm, newPanel, rowError, editButton, deleteButton, emptyState, subhead, memberOptions, money, fill } from './kit.js';

const SVG = 'http://www.w3.org/2000/svg';

export default {
  id: 'budget',
  title: () => t('budget.title'),
  area: 'main',
  ops: ['create_budget_item', 'update_budget_item', 'delete_budget_item', 'set_budget_item_members', 'toggle_budget_member_paid'],
  render(body, ctx) {
    const budget = ctx.summary.budget;
    const cur = budget.currency;
    fill(body, 
      budget.items.length ? h('p', { class: 'budget-total' }, t('budget.total', { amount: money(budget.total, cur) })) : null,
      budget.items.length
        ? h('ul', { class: 'rows', id: 'budget-list' }, budget.items.map((item) => itemRow(ctx, item, cur)))
        : emptyState(t('budget.empty'), t('budget.emptyHint')),
      newPanel(ctx, {
        key: 'new-expense', summary: t('budget.new'), submitLabel: t('budget.add'),
        fields: itemFields(ctx, null),
        submit: (v) => op('create_budget_item', { trip_id: ctx.tripId, ...v, name: v.name ?? '', total_price: v.total_price ?? '' }),
      }),
      budget.items.length ? h('div', { class: 'budget-grid' },
        h('div', {}, subhead(t('budget.perPerson')), peopleTable(budget.people, cur),
          subhead(t('budget.settlement')), settlement(budget.transfers, cur)),
        h('div', {}, subhead(t('budget.byCategory')), chart(budget.by_category, cur))) : null);
  },
};

function itemFields(ctx, item) {
  return [
    { name: 'name', label: t('budget.field.name'), value: item?.name, max: 200, span: true, placeholder: t('budget.placeholder.name') },
    { name: 'total_price', label: t('budget.field.total'), type: 'money', value: item?.total_price, placeholder: t('budget.placeholder.total') },
    { name: 'category', label: t('budget.field.category'), value: item?.category, max: 100 },
    { name: 'paid_by', label: t('budget.field.paidBy'), type: 'select', numeric: true, value: item?.paid_by ?? '',
      options: memberOptions(ctx, t('budget.nobodyPaid')) },
    { name: 'expense_date', label: t('budget.field.date'), type: 'date', value: item?.expense_date },
    { name: 'note', label: t('budget.field.note'), value: item?.note, span: true },
  ];
}

function itemRow(ctx, item, cur) {
  const errorEl = rowError();
  const key = `expense-${item.id}`;
  const splitKey = `split-${item.id}`;
  return h('li', { class: 'expense', dataset: { itemId: item.id } },
    h('div', { class: 'row-item' },
      h('div', { class: 'row-main' },
        h('strong', {}, item.name),
        h('span', { class: 'amount' }, money(item.total_price, cur)),
        item.category ? h('span', { class: 'tag' }, item.category) : null,
        h('span', { class: 'row-meta muted small' }, [item.paid_by_name ? t('budget.paidBy', { name: item.paid_by_name }) : t('budget.nobodyPaid'),
          item.expense_date, item.note].filter(Boolean).join(' · ')),
        item.members.length
          ? h('ul', { class: 'shares', 'aria-label': t('budget.splitAmong') }, item.members.map((m) => shareToggle(ctx, item, m, cur, errorEl)))
          : h('span', { class: 'row-meta muted small' }, t('budget.notSplit'))),
      h('div', { class: 'row-actions' },
        editButton(ctx, splitKey, t('budget.splitNamed', { name: item.name }), t('budget.split')),
        editButton(ctx, key, t('common.editNamed', { name: item.name })),
        deleteButton(ctx, { aria: t('common.deleteNamed', { name: item.name }), errorEl, focus: 'new-expense-summary',
          run: () => op('delete_budget_item', { trip_id: ctx.tripId, item_id: item.id }) }))),
    ctx.editing === key ? editorForm(ctx, {
      key, update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: item.name }),
      fields: itemFields(ctx, item),
      submit: (v) => op('update_budget_item', { trip_id: ctx.tripId, item_id: item.id, ...v,
        name: v.name ?? '', total_price: v.total_price ?? '' }),
    }) : null,
    ctx.editing === splitKey ? splitEditor(ctx, item, splitKey) : null,
    errorEl);
}

function shareToggle(ctx, item, m, cur, errorEl) {
  const id = `paid-${item.id}-${m.user_id}`;
  const box = h('input', { type: 'checkbox', id, checked: m.paid, 'data-focus': id });
  box.addEventListener('change', () => ctx.act({ errorEl, focus: id },
    () => op('toggle_budget_member_paid', { trip_id: ctx.tripId, item_id: item.id, member_id: m.user_id, paid: box.checked })));
  return h('li', { class: `share${m.paid ? ' paid' : ''}` }, box,
    h('label', { for: id, title: t('budget.paidToggle', { name: m.name, item: item.name }) },
      `${m.name} ${money(m.share, cur)}`));
}

/** Checkboxes of the trip's members; saving sets who shares the expense. */
function splitEditor(ctx, item, key) {
  const chosen = new Set(item.members.map((m) => m.user_id));
  const fields = ctx.summary.members.map((m) => ({ name: `member-${m.user_id}`, label: m.name, type: 'checkbox', value: chosen.has(m.user_id) }));
  return editorForm(ctx, {
    key, cls: 'mini-form split-form', done: key, submitLabel: t('budget.saveSplit'), label: t('budget.splitNamed', { name: item.name }),
    fields,
    submit: (v) => op('set_budget_item_members', { trip_id: ctx.tripId, item_id: item.id,
      user_ids: ctx.summary.members.filter((m) => v[`member-${m.user_id}`]).map((m) => m.user_id) }),
  });
}

function peopleTable(people, cur) {
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, [t('budget.person'), t('budget.paid'), t('budget.share'), t('budget.balance')].map((c, i) =>
      h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
    h('tbody', {}, people.map((p) => h('tr', {},
      h('th', { scope: 'row' }, p.name),
      h('td', { class: 'num' }, money(p.paid, cur)),
      h('td', { class: 'num' }, money(p.share, cur)),
      h('td', { class: `num ${Number(p.balance) < 0 ? 'neg' : Number(p.balance) > 0 ? 'pos' : ''}` }, money(p.balance, cur))))));
}

function settlement(transfers, cur) {
  if (transfers.length === 0) return h('p', { class: 'muted small settled' }, t('budget.settled'));
  return h('ul', { class: 'transfers' }, transfers.map((x) =>
    h('li', {}, t('budget.owes', { from: x.from_name, to: x.to_name, amount: money(x.amount, cur) }))));
}

/** Horizontal bars, one per category, scaled to the largest; labelled for screen readers. */
function chart(categories, cur) {
  const rows = categories.map((c) => ({ name: c.category ?? t('budget.uncategorised'), value: Number(c.total), total: c.total }));
  const max = Math.max(...rows.map((r) => r.value), 0) || 1;
  const rowHeight = 28;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 320 ${rows.length * rowHeight}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('budget.chartLabel', { list: rows.map((r) => `${r.name} ${money(r.total, cur)}`).join(', ') }));
  rows.forEach((r, i) => {
    const y = i * rowHeight;
    const bar = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x: 110, y: y + 6, height: 16, rx: 3, width: Math.max(2, (r.value / max) * 130), class: `bar bar-${i % 6}` })) bar.setAttribute(k, v);
    const label = document.createElementNS(SVG, 'text');
    for (const [k, v] of Object.entries({ x: 104, y: y + 18, 'text-anchor': 'end', class: 'chart-label' })) label.setAttribute(k, v);
    label.textContent = r.name.length > 16 ? `${r.name.slice(0, 15)}…` : r.name;
    const value = document.createElementNS(SVG, 'text');
    for (const [k, v] of Object.entries({ x: 114 + Math.max(2, (r.value / max) * 130), y: y + 18, class: 'chart-value' })) value.setAttribute(k, v);
    value.textContent = money(r.total, cur);
    svg.append(bar, label, value);
  });
  return svg;
}
