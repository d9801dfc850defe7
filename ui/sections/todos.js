// To-dos: check them off, edit them (details, due date, priority, category, who), delete
// them, and add new ones.

import { h } from '../dom.js';
import { op } from '../ops.js';
import { formatDay } from '../dates.js';
import { t } from '../public/i18n.js';
import { editorForm, newPanel, rowError, editButton, deleteButton, emptyState, memberOptions, fill } from './kit.js';
import { progress } from './packing.js';

export default {
  id: 'todos',
  title: () => t('todos.title'),
  area: 'main',
  ops: ['create_todo', 'update_todo', 'toggle_todo', 'delete_todo'],
  render(body, ctx) {
    const todos = ctx.summary.todos;
    fill(body, 
      todos.total ? progress(todos.done, todos.total, t('todos.progress', { done: todos.done, total: todos.total })) : null,
      todos.items.length
        ? h('ul', { class: 'checklist', id: 'todo-list' }, todos.items.map((item) => todoRow(ctx, item)))
        : emptyState(t('todos.empty'), t('todos.emptyHint')),
      newPanel(ctx, {
        key: 'new-todo', summary: t('todos.new'), submitLabel: t('todos.add'),
        fields: todoFields(ctx, null),
        submit: (v) => op('create_todo', { trip_id: ctx.tripId, ...v, name: v.name ?? '' }),
      }));
  },
};

function todoFields(ctx, item) {
  return [
    { name: 'name', label: t('todos.field.name'), value: item?.name, max: 200, span: true, placeholder: t('todos.placeholder.name') },
    { name: 'due_date', label: t('todos.field.due'), type: 'date', value: item?.due_date },
    { name: 'priority', label: t('todos.field.priority'), type: 'select', value: item?.priority ?? '',
      options: [['', t('common.none')], ...['low', 'medium', 'high'].map((p) => [p, t(`todos.priority.${p}`)])] },
    { name: 'category', label: t('todos.field.category'), value: item?.category, max: 100 },
    { name: 'assigned_user_id', label: t('todos.field.assignee'), type: 'select', numeric: true,
      value: item?.assigned_user_id ?? '', options: memberOptions(ctx, t('todos.nobody')) },
    { name: 'description', label: t('todos.field.description'), type: 'textarea', rows: 2, value: item?.description, span: true },
  ];
}

function todoRow(ctx, item) {
  const errorEl = rowError();
  const key = `todo-${item.id}`;
  const id = `check-${key}`;
  const box = h('input', { type: 'checkbox', id, checked: item.checked, 'data-focus': id });
  box.addEventListener('change', () => ctx.act({ errorEl, focus: id },
    () => op('toggle_todo', { trip_id: ctx.tripId, item_id: item.id, checked: box.checked })));
  return h('li', { class: `check-item${item.checked ? ' done' : ''}`, dataset: { todoId: item.id } },
    box,
    h('label', { for: id, 'aria-label': t('todos.check', { name: item.name }) }, item.name),
    item.priority ? h('span', { class: `tag priority-${item.priority}` }, t(`todos.priority.${item.priority}`)) : null,
    item.due_date ? h('span', { class: 'tag' }, t('todos.due', { date: formatDay(item.due_date) })) : null,
    item.assigned_user_name ? h('span', { class: 'tag' }, t('todos.assigned', { name: item.assigned_user_name })) : null,
    item.category ? h('span', { class: 'tag' }, item.category) : null,
    h('span', { class: 'row-actions' },
      editButton(ctx, key, t('common.editNamed', { name: item.name })),
      deleteButton(ctx, { aria: t('common.deleteNamed', { name: item.name }), errorEl, focus: 'new-todo-summary',
        run: () => op('delete_todo', { trip_id: ctx.tripId, item_id: item.id }) })),
    item.description ? h('p', { class: 'check-detail muted small' }, item.description) : null,
    ctx.editing === key ? editorForm(ctx, {
      key, update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: item.name }),
      fields: todoFields(ctx, item),
      submit: (v) => op('update_todo', { trip_id: ctx.tripId, item_id: item.id, ...v, name: v.name ?? '' }),
    }) : null,
    errorEl);
}
