"""Issue 10 §2-§3 (B7): the contact card is a brief, the company card, the meeting's details,
Prep and Add all, and search across past meetings, in real Chromium against the live server."""
import datetime

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import (
    Company,
    Deal,
    DealContact,
    Meeting,
    Note,
    Ticket,
    TicketCompany,
    TicketContact,
)
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import call, open_meeting, screenshot
from tests.e2e.keyboard import assert_keyboard_ready

pytestmark = pytest.mark.e2e

LONG_NOTE = ('Pat wants a 10% discount for a two-year term; legal must see the data processing terms '
             'before the demo.\nSecond line.\nThird line, hidden until expanded.')
AGENDA = ('Agenda:\n1. Pricing, see https://docs.example/agenda?x=1.\n'
          '<img src=x onerror="window.pwned=1"> javascript:alert(1) <b>bold</b>')


@pytest.fixture
def crm(world):
    """Open and closed deals and tickets around Pat and Globex, and a note on the past meeting."""
    with db.connection_context():
        globex = Company.get(Company.domain == 'globex.example')
        renewal = Deal.create(account=world.rep.account_id, name='Globex renewal', stage='contract_sent',
                              amount=12000, company=globex, owner=world.rep)
        won = Deal.create(account=world.rep.account_id, name='Globex pilot', stage='closed_won',
                          amount=500, company=globex, owner=world.rep)
        for deal in (renewal, won):
            DealContact.create(deal=deal, contact=world.pat)
        ticket = Ticket.create(account=world.rep.account_id, subject='Invoice address wrong', status='open')
        TicketContact.create(ticket=ticket, contact=world.pat)
        TicketCompany.create(ticket=ticket, company=globex)
        Note.create(account=world.rep.account_id, meeting=world.past.id, author=world.rep, body=LONG_NOTE)
        Meeting.update(description=AGENDA, location='Globex HQ, room 4').where(
            Meeting.id == world.demo.id).execute()
    return globex


def in_order(text, *parts):
    """Every part appears in ``text``, each after the one before."""
    at, text = -1, text.lower()  # (headings may be styled upper-case)
    for part in parts:
        found = text.find(part.lower(), at + 1)
        assert found > at, f'{part!r} not after position {at} in:\n{text}'
        at = found


def test_issue10_contact_card_is_a_brief_in_the_issues_order(extension, server, world, crm):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    panel.locator('li.attendee[data-email="pat@globex.example"]').get_by_role('button', name='Pat Buyer').click()
    card = panel.locator('section.card')
    card.locator('.block').first.wait_for()
    text = card.inner_text()
    in_order(text, 'Pat Buyer', 'Head of Purchasing', 'Globex', 'Rita Rep (you)',
             'Open deals', 'Globex renewal', 'contract sent', '12,000',
             'Open tickets', 'Invoice address wrong', 'Last meeting', 'Morning check-in', 'Pat wants a 10% discount',
             'Next meeting', 'Globex product demo', 'Last contacted today',
             '+886 2 1234 5678', 'pat@globex.example',
             'Upcoming meetings', 'Contract review', 'Past meetings', 'Morning check-in', 'Open full record')
    assert 'Globex pilot' not in text  # closed deals are not open
    # Phone and e-mail are links; the long note shows its first lines until expanded.
    assert card.locator('a.chip[href="tel:+886 2 1234 5678"]').count() == 1
    assert card.locator('a.chip[href="mailto:pat@globex.example"]').count() == 1
    more = card.get_by_role('button', name='Show more')
    assert more.get_attribute('aria-expanded') == 'false'
    assert_accessible(panel, 'contact brief')
    screenshot(panel, 'contact-brief')
    assert_keyboard_ready(panel, 'contact brief')
    more.click()
    expect(card.get_by_role('button', name='Show less')).to_have_attribute('aria-expanded', 'true')

    # The company is a link to the company's card.
    card.get_by_role('button', name='Globex', exact=True).click()
    company = panel.locator('section.card.company')
    company.locator('.block').first.wait_for()
    expect(panel.locator('h1')).to_have_text('Globex')
    in_order(company.inner_text(), 'Globex', 'globex.example', 'Contacts', 'Pat Buyer',
             'Open deals', 'Globex renewal', 'Open tickets', 'Invoice address wrong', 'Last meetings',
             'Morning check-in')
    assert_accessible(panel, 'company card')
    screenshot(panel, 'company-card')
    assert_keyboard_ready(panel, 'company card')
    company.get_by_role('button', name='Pat Buyer').click()
    expect(panel.locator('h1')).to_have_text('Pat Buyer')


def test_issue10_meeting_view_details_are_plain_text_with_safe_links(extension, server, world, crm):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    details = panel.locator('.details')
    expect(details.locator('.when')).to_contain_text('GMT+8')  # the zone, always said
    expect(details.locator('.where')).to_have_text('Location: Globex HQ, room 4')
    assert details.locator('.video a').get_attribute('href') == 'https://meet.example/abc-defg-hij'
    description = details.locator('.description')
    # Calendar text is never HTML: the markup shows as text, only the http(s) URL is a link.
    assert description.inner_text() == AGENDA
    links = description.locator('a')
    assert links.count() == 1
    assert (links.get_attribute('href'), links.get_attribute('rel')) == (
        'https://docs.example/agenda?x=1', 'noopener noreferrer')
    assert description.locator('img, b').count() == 0
    assert panel.evaluate('window.pwned') is None


def test_issue10_b7_prep_shows_companies_deals_tickets_and_the_last_meeting_notes(extension, server, world, crm):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    prep = panel.locator('details.prep')
    prep.locator('.company-prep').first.wait_for()
    text = prep.inner_text()
    in_order(text, 'Prep', 'Globex', 'Open deals', 'Globex renewal', 'Open tickets', 'Invoice address wrong',
             'Last meeting with these attendees', 'Morning check-in', 'Pat wants a 10% discount')
    assert 'Newco' not in text and 'Last time in this series' not in text  # not a series
    assert_accessible(panel, 'meeting prep')
    screenshot(panel, 'meeting-prep')
    assert_keyboard_ready(panel, 'meeting prep')
    prep.get_by_role('button', name='Globex', exact=True).click()
    panel.locator('section.card.company').wait_for()


def test_issue10_r18_add_all_creates_every_missing_contact_in_one_request(extension, server, world, crm):
    with db.connection_context():
        newco = Company.create(account=world.rep.account_id, name='Newco', domain='newco.example')
    call(server, world.token, 'POST', f'/meetings/{world.demo.id}/attendees', json={'attendees': [
        {'email': 'omar@newco.example', 'display_name': 'Omar Newco'}]})
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    posts = []
    panel.on('request', lambda r: r.method == 'POST' and posts.append(r.url))
    open_meeting(panel, 'Globex product demo')
    add_all = panel.get_by_role('button', name='Add all (2)')
    assert_accessible(panel, 'meeting attendees with Add all')
    add_all.click()
    expect(panel.locator('li.attendee button.add')).to_have_count(0)
    expect(add_all).to_have_count(0)
    for email, name in (('nina@newco.example', 'Nina Newcomer'), ('omar@newco.example', 'Omar Newco')):
        row = panel.locator(f'li.attendee[data-email="{email}"]')
        expect(row.get_by_role('button', name=name)).to_be_visible()
        [contact] = call(server, world.token, 'GET', '/contacts', params={'email': email})['items']
        assert contact['company_id'] == newco.id
    assert [u for u in posts if '/contacts' in u] == [f'{server.url}/api/v1/meetings/{world.demo.id}/contacts']


def test_issue10_search_asks_the_server_across_past_meetings(extension, server, world):
    with db.connection_context():
        Meeting.create(account=world.rep.account_id, user=world.rep, title='Quarterly review with Initech',
                       start=world.demo.start - datetime.timedelta(days=40),
                       end=world.demo.start - datetime.timedelta(days=40, minutes=-30), source='crm')
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    with panel.expect_request(lambda r: '/api/v1/meetings?' in r.url and 'q=quarterly' in r.url) as asked:
        panel.fill('input.search', 'quarterly')
    expect(panel.locator('button.meeting')).to_have_count(1)
    assert 'Quarterly review with Initech' in panel.inner_text('button.meeting.past')
    url = asked.value.url
    start = datetime.datetime.fromisoformat(url.split('from=')[1].split('&')[0].replace('%3A', ':').rstrip('Z'))
    assert start < world.demo.start - datetime.timedelta(days=40)
    # Attendee names and company names match too (the server's q=).
    panel.fill('input.search', 'Globex')
    expect(panel.locator('button.meeting', has_text='Contract review')).to_have_count(1)
    panel.fill('input.search', 'Nina Newcomer')
    expect(panel.locator('button.meeting', has_text='Contract review')).to_have_count(1)


def test_issue10_r13_prep_carries_the_series_previous_notes_forward_at_the_top(extension, server, world, crm):
    """A weekly call continues where it left off: the previous occurrence's notes come first."""
    from server.services import meetings
    pat = [{'email': 'pat@globex.example', 'display_name': 'Pat Buyer'}]
    with db.connection_context():
        week = datetime.timedelta(days=7)
        last_week = meetings.schedule(world.rep, {
            'title': 'Globex weekly', 'start': world.later.start - week, 'end': world.later.end - week,
            'attendees': pat})
        this_week = meetings.schedule(world.rep, {
            'title': 'Globex weekly', 'start': world.later.start + datetime.timedelta(hours=3),
            'end': world.later.end + datetime.timedelta(hours=3), 'attendees': pat})
        Meeting.update(ical_uid='globex-weekly@example').where(
            Meeting.id.in_([last_week.id, this_week.id])).execute()
        Note.create(account=world.rep.account_id, meeting=last_week.id, author=world.rep,
                    body='Send the revised quote before the next call')
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex weekly')
    prep = panel.locator('details.prep')
    prep.locator('.company-prep').first.wait_for()
    in_order(prep.inner_text(), 'Last time in this series', 'Globex weekly', 'Send the revised quote',
             'Globex', 'Globex renewal', 'Last meeting with these attendees', 'Contract review')
    assert_accessible(panel, 'meeting prep with a series')
    screenshot(panel, 'meeting-prep-series')
