// Issue 11 §1: once a meeting's end has passed, one line asks "How did it go?": its outcome
// and its type (the account's list), each saved as soon as it is picked. A meeting started
// with Start whose end passed is suggested "Completed" (the server says so).
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorMessage } from './states.js';

export const OUTCOMES = ['scheduled', 'completed', 'rescheduled', 'no_show', 'canceled'];

// The account's meeting types, asked once per panel.
function meetingTypes(ctx) {
  ctx.meetingTypes ||= api('/account').then((account) => account.meeting_types, () => []);
  return ctx.meetingTypes;
}

export function outcomePicker(ctx, meeting, onSaved) {
  if (new Date(meeting.end) > new Date() || meeting.outcome == null) return null;
  const message = h('span.error.sub', { hidden: true, role: 'alert' });
  const outcome = h('select', { 'aria-label': t('outcomeLabel'), dataset: { field: 'outcome' } },
    OUTCOMES.map((value) => h('option', { value, selected: value === meeting.outcome }, t(`outcome_${value}`))));
  const type = h('select', { 'aria-label': t('meetingTypeLabel'), dataset: { field: 'type' } },
    h('option', { value: '' }, t('meetingTypeNone')));
  type.value = '';
  meetingTypes(ctx).then((names) => {
    const shown = meeting.type && !names.includes(meeting.type) ? [...names, meeting.type] : names;
    type.append(...shown.map((name) => h('option', { value: name }, name)));
    type.value = meeting.type || '';
  });
  const suggest = meeting.suggested_outcome && meeting.outcome === 'scheduled'
    ? h('button.link', { type: 'button', dataset: { action: 'accept-suggestion' }, onclick: () => save({ outcome: meeting.suggested_outcome }) },
      t('outcomeSuggested', [t(`outcome_${meeting.suggested_outcome}`)]))
    : null;

  async function save(change) {
    outcome.disabled = type.disabled = true;
    message.hidden = true;
    try {
      onSaved(await api(`/meetings/${meeting.id}`, { method: 'PATCH', body: change }));
    } catch (error) {
      if (error.kind === 'auth') return ctx.fail(error, document.getElementById('view'), () => onSaved(meeting));
      outcome.value = meeting.outcome;
      type.value = meeting.type || '';
      message.textContent = errorMessage(error);
      message.hidden = false;
    } finally {
      outcome.disabled = type.disabled = false;
    }
  }
  outcome.addEventListener('change', () => save({ outcome: outcome.value }));
  type.addEventListener('change', () => save({ type: type.value }));
  return h('div.outcome', { role: 'group', 'aria-label': t('outcomeQuestion') },
    h('span.label', null, t('outcomeQuestion')), outcome, type, suggest, message);
}
