// Packing: bags (name, colour; create, edit, delete), items grouped by category with a packed
// checkbox each (edit name, quantity, category and bag; delete), and the form adding an item.

import { h } from '../dom.js';
import { op } from '../ops.js';
import { t, tn } from '../public/i18n.js';
import { editorForm, newPanel, rowError, editButton, deleteButton, emptyState, subhead, fill } from './kit.js';

export default {
  id: 'packing',
  title: () => t('packing.title'),
  area: 'main',
  ops: ['create_packing_item', 'update_packing_item', 'toggle_packing_item', 'delete_packing_item',
    'create_packing_bag', 'update_packing_bag', 'delete_packing_bag'],
  render(body, ctx) {
    const packing = ctx.summary.packing;
    const groups = new Map();
    for (const item of packing.items) {
      const name = item.category ?? '';
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push(item);
    }
    fill(body, 
      packing.total ? progress(packing.checked, packing.total, t('packing.progress', { checked: packing.checked, total: packing.total })) : null,
      packing.items.length
        ? h('div', { id: 'packing-list', class: 'packing-groups' }, [...groups].map(([name, items]) =>
          h('section', { class: 'packing-group', 'aria-label': name || t('packing.noCategory') },
            h('h4', {}, name || t('packing.noCategory')),
            h('ul', { class: 'checklist' }, items.map((item) => itemRow(ctx, item))))))
        : emptyState(t('packing.empty'), t('packing.emptyHint')),
      newPanel(ctx, {
        key: 'new-packing', summary: t('packing.new'), submitLabel: t('packing.add'),
        fields: itemFields(ctx, null),
        submit: (v) => op('create_packing_item', { trip_id: ctx.tripId, ...v, name: v.name ?? '' }),
      }),
      subhead(t('packing.bags')),
      packing.bags.length
        ? h('ul', { class: 'rows', id: 'bag-list' }, packing.bags.map((bag) => bagRow(ctx, bag)))
        : h('p', { class: 'muted small' }, t('packing.noBags')),
      newPanel(ctx, {
        key: 'new-bag', summary: t('packing.newBag'), submitLabel: t('packing.addBag'), cls: 'mini-form',
        fields: bagFields(null),
        submit: (v) => op('create_packing_bag', { trip_id: ctx.tripId, ...v, name: v.name ?? '' }),
      }));
  },
};

/** A labelled progress bar. */
export function progress(done, total, text) {
  return h('div', { class: 'progress-row' },
    h('progress', { max: total, value: done, 'aria-label': text }),
    h('span', { class: 'small muted' }, text));
}

function bagOptions(ctx) {
  return [['', t('packing.noBag')], ...ctx.summary.packing.bags.map((b) => [b.id, b.name])];
}

function itemFields(ctx, item) {
  return [
    { name: 'name', label: t('packing.field.name'), value: item?.name, max: 200, grow: true, placeholder: t('packing.placeholder.name') },
    { name: 'quantity', label: t('packing.field.quantity'), type: 'int', value: item?.quantity ?? '' },
    { name: 'category', label: t('packing.field.category'), value: item?.category, max: 100 },
    { name: 'bag_id', label: t('packing.field.bag'), type: 'select', numeric: true, value: item?.bag_id ?? '', options: bagOptions(ctx) },
  ];
}

function itemRow(ctx, item) {
  const errorEl = rowError();
  const key = `packing-${item.id}`;
  const id = `check-${key}`;
  const box = h('input', { type: 'checkbox', id, checked: item.checked, 'data-focus': id });
  box.addEventListener('change', () => ctx.act({ errorEl, focus: id },
    () => op('toggle_packing_item', { trip_id: ctx.tripId, item_id: item.id, checked: box.checked })));
  return h('li', { class: `check-item${item.checked ? ' done' : ''}`, dataset: { itemId: item.id } },
    box,
    h('label', { for: id, 'aria-label': t('packing.check', { name: item.name }) }, item.name),
    item.quantity > 1 ? h('span', { class: 'tag' }, `×${item.quantity}`) : null,
    item.bag_name ? h('span', { class: 'tag' }, item.bag_name) : null,
    h('span', { class: 'row-actions' },
      editButton(ctx, key, t('common.editNamed', { name: item.name })),
      deleteButton(ctx, { aria: t('common.deleteNamed', { name: item.name }), errorEl, focus: 'new-packing-summary',
        run: () => op('delete_packing_item', { trip_id: ctx.tripId, item_id: item.id }) })),
    ctx.editing === key ? editorForm(ctx, {
      key, cls: 'mini-form', update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: item.name }),
      fields: itemFields(ctx, item),
      submit: (v) => op('update_packing_item', { trip_id: ctx.tripId, item_id: item.id, ...v, name: v.name ?? '', quantity: v.quantity ?? 1 }),
    }) : null,
    errorEl);
}

function bagFields(bag) {
  return [
    { name: 'name', label: t('packing.field.bagName'), value: bag?.name, max: 100, grow: true, placeholder: t('packing.placeholder.bag') },
    { name: 'color', label: t('packing.field.color'), type: 'color', value: bag?.color },
  ];
}

function bagRow(ctx, bag) {
  const errorEl = rowError();
  const key = `bag-${bag.id}`;
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  swatch.style.setProperty('--swatch', bag.color ?? '#6b7280');
  return h('li', { class: 'bag', dataset: { bagId: bag.id } },
    h('div', { class: 'row-item' },
      h('div', { class: 'row-main' }, swatch, h('strong', {}, bag.name),
        h('span', { class: 'muted small' }, tn('packing.itemsIn', bag.item_count))),
      h('div', { class: 'row-actions' },
        editButton(ctx, key, t('common.editNamed', { name: bag.name })),
        deleteButton(ctx, { aria: t('common.deleteNamed', { name: bag.name }), errorEl, focus: 'new-bag-summary',
          run: () => op('delete_packing_bag', { trip_id: ctx.tripId, bag_id: bag.id }) }))),
    ctx.editing === key ? editorForm(ctx, {
      key, cls: 'mini-form', update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: bag.name }),
      fields: bagFields(bag),
      submit: (v) => op('update_packing_bag', { trip_id: ctx.tripId, bag_id: bag.id, ...v, name: v.name ?? '' }),
    }) : null,
    errorEl);
}
