// Collab notes: cards for everyone on the trip, pinned ones first; pin/unpin, edit, delete,
// and the form adding one.

import { h } from '../dom.js';
import { op } from '../ops.js';
import { t } from '../public/i18n.js';
import { editorForm, newPanel, rowError, editButton, deleteButton, emptyState, fill } from './kit.js';

export default {
  id: 'notes',
  title: () => t('notes.title'),
  area: 'side',
  ops: ['create_collab_note', 'update_collab_note', 'delete_collab_note'],
  render(body, ctx) {
    const notes = [...ctx.summary.collab_notes].sort((a, b) => Number(b.pinned) - Number(a.pinned));
    fill(body, 
      notes.length
        ? h('ul', { class: 'note-cards', id: 'collab-list' }, notes.map((n) => noteCard(ctx, n)))
        : emptyState(t('notes.empty'), t('notes.emptyHint')),
      newPanel(ctx, {
        key: 'new-collab', summary: t('notes.new'), submitLabel: t('notes.add'),
        fields: noteFields(null),
        submit: (v) => op('create_collab_note', { trip_id: ctx.tripId, ...v, title: v.title ?? '' }),
      }));
  },
};

function noteFields(n) {
  return [
    { name: 'title', label: t('notes.field.title'), value: n?.title, max: 200, span: true, placeholder: t('notes.placeholder.title') },
    { name: 'content', label: t('notes.field.content'), type: 'textarea', rows: 3, value: n?.content, span: true },
    { name: 'category', label: t('notes.field.category'), value: n?.category, max: 100 },
    { name: 'pinned', label: t('notes.field.pinned'), type: 'checkbox', value: n?.pinned ?? false },
  ];
}

function noteCard(ctx, n) {
  const errorEl = rowError();
  const key = `collab-${n.id}`;
  return h('li', { class: `note-card${n.pinned ? ' pinned' : ''}`, dataset: { noteId: n.id } },
    h('div', { class: 'note-card-head' },
      h('strong', {}, n.title),
      n.pinned ? h('span', { class: 'tag tag-pinned' }, t('notes.pinned')) : null,
      n.category ? h('span', { class: 'tag' }, n.category) : null),
    n.content ? h('p', { class: 'note-content' }, n.content) : null,
    h('p', { class: 'muted small note-by' }, t('notes.by', { name: n.author_name })),
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'link-btn', 'data-focus': `${key}-pin`,
        'aria-label': t(n.pinned ? 'notes.unpinNamed' : 'notes.pinNamed', { name: n.title }),
        onclick: (e) => ctx.act({ button: e.currentTarget, errorEl, focus: `${key}-pin` },
          () => op('update_collab_note', { trip_id: ctx.tripId, note_id: n.id, pinned: !n.pinned })) },
      t(n.pinned ? 'notes.unpin' : 'notes.pin')),
      editButton(ctx, key, t('common.editNamed', { name: n.title })),
      deleteButton(ctx, { aria: t('common.deleteNamed', { name: n.title }), errorEl, focus: 'new-collab-summary',
        run: () => op('delete_collab_note', { trip_id: ctx.tripId, note_id: n.id }) })),
    ctx.editing === key ? editorForm(ctx, {
      key, update: true, done: key, submitLabel: t('common.save'), label: t('common.editNamed', { name: n.title }),
      fields: noteFields(n),
      submit: (v) => op('update_collab_note', { trip_id: ctx.tripId, note_id: n.id, ...v, title: v.title ?? '' }),
    }) : null,
    errorEl);
}
