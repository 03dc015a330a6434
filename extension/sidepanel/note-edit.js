// Issue 11 §4: the author edits and deletes their own notes. Edits and deletes go through the
// outbox (B2: done offline, they are sent when the server is back), with the version they were
// based on; an edit of a note changed on the server since keeps both texts and asks the rep
// which one stays; a delete of one is not done, and the note shows again with the server's text.
import { h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { discard, enqueueDelete, enqueueEdit, pending } from '../lib/outbox.js';

export function noteEdits(ctx, meetingId, changed, rerender) {
  let edits = new Map();  // note id -> its queued edit
  let deletes = new Map();  // note id -> its queued delete
  let editing = null;  // id of the note whose editor is open
  let deleting = null;  // id of the note asking "Delete?"
  let draft = '';  // the open editor's text: it survives the panel re-rendering the list
  let box = null;  // the open editor's textarea

  const byNote = (items) => new Map(items.map((item) => [item.note_id, item]));
  async function load() {
    edits = byNote(await pending(meetingId, ctx.owner, 'edit'));
    deletes = byNote(await pending(meetingId, ctx.owner, 'delete'));
  }

  // The worker changed the outbox: true when an edit or a delete left it or met a conflict
  // (the list must be fetched again).
  async function onOutbox() {
    const before = [edits, deletes];
    await load();
    return [[before[0], edits], [before[1], deletes]].some(([was, now]) =>
      [...was.keys()].some((id) => !now.has(id))
      || [...now.values()].some((item) => item.conflict && !was.get(item.note_id)?.conflict));
  }

  async function send() {
    rerender();
    await chrome.runtime.sendMessage({ type: 'outbox-flush' }).catch(() => null);
    await load();
    changed();
  }

  async function save(note, body) {
    editing = null;
    if (!body || body === note.body) return rerender();
    await enqueueEdit(note, body, ctx.owner);
    await load();
    send();
  }

  async function keepMine(note, item) {
    await enqueueEdit(note, item.body, ctx.owner, item.conflict.updated_at);
    await load();
    send();
  }

  async function keepServers(item) {
    await discard(item.client_id);
    await load();
    changed();
  }

  // Online or not, a delete is queued and the worker sends it (at once when it can): the row
  // shows "Deleting…" until it is gone. basedOn: the server's version, to delete anyway after
  // a conflict.
  async function remove(note, basedOn) {
    deleting = null;
    await enqueueDelete(note, ctx.owner, basedOn);
    await load();
    send();
  }

  const link = (label, action, onclick) => h('button.link', { type: 'button', dataset: { action }, onclick }, label);
  const meta = (note, extra) => h('div.meta.sub', null, [
    `${note.author.name || note.author.email} · ${dateTime(new Date(note.typed_at), ctx.zone)}`,
    note.edited_at ? t('noteEdited') : null, extra].filter(Boolean).join(' · '));

  function open(note) {
    editing = note.id;
    deleting = null;
    draft = note.body;
    box = null;
    rerender();
    box?.focus();
  }

  function editor(note) {
    const focused = box && document.activeElement === box;
    const caret = focused ? [box.selectionStart, box.selectionEnd] : null;
    box = h('textarea.edit', { 'aria-label': t('noteEditLabel'), oninput: (event) => { draft = event.target.value; } });
    box.value = draft;
    if (caret) setTimeout(() => { box.focus(); box.setSelectionRange(...caret); });
    const done = () => save(note, draft.trim());
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') { editing = null; rerender(); }
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      done();
    });
    return [box, h('div.actions', null, h('button.primary', { type: 'button', dataset: { action: 'save' }, onclick: done }, t('save')),
      h('button.secondary', { type: 'button', dataset: { action: 'cancel' }, onclick: () => { editing = null; rerender(); } }, t('cancel')))];
  }

  function conflictRow(note, item) {
    return h('li.conflict', { dataset: { id: note.id, state: 'conflict' } },
      h('p.meta', { role: 'alert' }, t('noteConflict')),
      h('div.sub', null, t('noteConflictMine')), h('div.body', { dataset: { text: 'mine' } }, item.body),
      h('div.sub', null, t('noteConflictServer')), h('div.body', { dataset: { text: 'server' } }, item.conflict.body),
      h('div.actions', null, h('button.primary', { type: 'button', dataset: { action: 'keep-mine' }, onclick: () => keepMine(note, item) }, t('noteKeepMine')),
        h('button.secondary', { type: 'button', dataset: { action: 'keep-server' }, onclick: () => keepServers(item) }, t('noteKeepServer'))));
  }

  // A queued delete: the note waits, greyed, as "Deleting…"; refused, it says why; changed on
  // the server since, it shows the server's text and is kept.
  function deleteRow(note, item) {
    if (item.conflict) {
      return h('li.conflict', { dataset: { id: note.id, state: 'delete-conflict' } },
        h('p.meta', { role: 'alert' }, t('noteDeleteConflict')),
        meta(note), h('div.body', { dataset: { text: 'server' } }, item.conflict.body),
        h('div.actions', null, link(t('noteKeep'), 'keep', () => keepServers(item)),
          link(t('noteDeleteAnyway'), 'delete-anyway', () => remove({ ...note, body: item.conflict.body }, item.conflict.updated_at))));
    }
    const why = item.error ? t('noteDeleteFailed', [item.error.message]) : t('noteDeletePending');
    return h(`li${item.error ? '' : '.deleting'}`, { dataset: { id: note.id, state: item.error ? 'delete-failed' : 'delete-pending' } },
      meta(note, why), h('div.body', null, note.body),
      item.error ? h('div.actions', null, link(t('discard'), 'discard', () => keepServers(item))) : '');
  }

  // One stored note's row: as it is, being edited, with its edit waiting, or in conflict.
  function row(note) {
    if (deletes.has(note.id)) return deleteRow(note, deletes.get(note.id));
    const item = edits.get(note.id);
    if (item?.conflict) return conflictRow(note, item);
    const li = h('li', { dataset: { id: note.id, state: item ? (item.error ? 'edit-failed' : 'edit-pending') : 'confirmed' } });
    if (item) {
      const why = item.error ? t('noteFailed', [item.error.message]) : t('noteEditPending');
      // A note whose edit waits can still be deleted: the delete replaces the edit.
      li.append(meta(note, why), h('div.body', null, item.body),
        item.error ? h('div.actions', null, link(t('discard'), 'discard', () => keepServers(item))) : deleteActions(note));
      return li;
    }
    if (editing === note.id) {
      li.append(meta(note), ...editor(note));
      return li;
    }
    li.append(meta(note), h('div.body', null, note.body));
    if (note.author.id !== ctx.owner?.user_id) return li;
    li.append(deleteActions(note, link(t('edit'), 'edit', () => open(note))));
    return li;
  }

  // Delete, asked once: "Delete this note?" Delete / Cancel.
  function deleteActions(note, ...others) {
    return deleting === note.id
      ? h('div.actions', null, h('span.sub', null, t('noteDeleteAsk')),
        h('button.secondary.danger', { type: 'button', dataset: { action: 'confirm-delete' }, onclick: () => remove(note) }, t('delete')),
        link(t('cancel'), 'cancel', () => { deleting = null; rerender(); }))
      : h('div.actions', null, ...others, link(t('delete'), 'delete', () => { deleting = note.id; rerender(); }));
  }

  return { load, onOutbox, row };
}
