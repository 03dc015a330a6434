// Issue 11 §3: the deals of a meeting (its own, its attendees' and their companies'); the rep
// moves a deal's stage or amount from here, and the deal's timeline records it with this
// meeting (PATCH /deals/{id} with meeting_id).
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { errorMessage, skeleton } from './states.js';

const stageLabel = (stage) => t(`stage_${stage}`) === `stage_${stage}` ? stage.replace(/_/g, ' ') : t(`stage_${stage}`);

export function meetingDeals(ctx, meetingId) {
  const node = h('section.deals', null, skeleton(2));
  let data = null;

  async function refresh() {
    try {
      data = await api(`/meetings/${meetingId}/deals`);
      render();
    } catch (error) {
      if (!data) ctx.fail(error, node, refresh);
    }
  }

  function render() {
    if (!data.items.length) {
      node.replaceChildren(h('p.sub', { dataset: { state: 'empty' } }, t('dealsEmpty')));
      return;
    }
    node.replaceChildren(h('ul.rows', null, data.items.map(dealRow)));
  }

  function dealRow(deal) {
    const id = `deal-${deal.id}`;
    const stage = h('select', { id: `${id}-stage`, dataset: { field: 'stage' } },
      data.stages.map((value) => h('option', { value, selected: value === deal.stage }, stageLabel(value))));
    const amount = h('input', { id: `${id}-amount`, type: 'text', inputmode: 'decimal', value: deal.amount, dataset: { field: 'amount' } });
    const message = h('p.sub', { role: 'status' });
    const save = h('button.primary', { type: 'button', dataset: { action: 'save-deal' }, onclick: () => send() }, t('save'));

    async function send() {
      const change = { meeting_id: meetingId };
      if (stage.value !== deal.stage) change.stage = stage.value;
      if (amount.value.trim() !== deal.amount) change.amount = amount.value.trim();
      if (Object.keys(change).length === 1) return;
      save.disabled = true;
      message.classList.remove('error');
      try {
        Object.assign(deal, await api(`/deals/${deal.id}`, { method: 'PATCH', body: change }));
        amount.value = deal.amount;
        message.textContent = t('dealSaved');
      } catch (error) {
        if (error.kind === 'auth') return ctx.fail(error, node, refresh);
        const fields = Object.entries(error.fields || {}).map(([name, words]) => `${name}: ${[].concat(words).join(' ')}`);
        message.textContent = fields.length ? t('errorGeneric', [fields.join('; ')]) : errorMessage(error);
        message.classList.add('error');
      } finally {
        save.disabled = false;
      }
    }
    return h('li.deal', { dataset: { id: deal.id } },
      h('div.who', null, h('span.name', { title: deal.name }, deal.name), deal.company ? h('span.sub', null, deal.company) : null),
      h('div.deal-edit', null,
        h('label', { for: stage.id }, t('dealStage')), stage,
        h('label', { for: amount.id }, t('dealAmount')), amount, save),
      message);
  }

  return { node, refresh };
}
