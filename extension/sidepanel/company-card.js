// Issue 10 §2: a company inside the panel: its contacts, open deals and tickets, last meetings.
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { block, deals, meetings, tickets } from './brief-parts.js';
import { skeleton } from './states.js';

export function companyCard(ctx, companyId) {
  const node = h('section.card.company', null, skeleton(3));

  async function load() {
    try {
      const brief = await api(`/companies/${companyId}/brief`);
      ctx.banner(null);
      render(brief);
    } catch (error) {
      ctx.fail(error, node, load);
    }
  }

  function render({ company, contacts, open_deals, open_tickets, last_meetings }) {
    ctx.setTitle(company.name, node);
    node.replaceChildren(...[
      h('h2', null, company.name),
      company.domain ? h('p.sub', null, company.domain) : null,
      block(t('companyContacts'), contacts, (c) => [
        h('button.link', { type: 'button', onclick: () => ctx.openContact(c.id) }, c.name || c.email),
        h('div.sub', null, [c.job_title, c.email].filter(Boolean).join(' · '))], t('noContacts')),
      deals(open_deals), tickets(open_tickets),
      meetings(ctx, t('lastMeetings'), last_meetings)].filter(Boolean));
  }

  load();
  return { node, title: t('companyTitle'), refresh: load };
}
