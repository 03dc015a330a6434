"""Issue 10 §1 (B6): the panel follows the e-mail being read in Gmail."""
import json

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import Company
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PANEL, call, expect_panel_document, screenshot
from tests.e2e.gmail_fixture import (
    GMAIL_URL,
    SECRET,
    gmail_tab_id,
    route_gmail,
    seen,
    spy_on_worker,
)
from tests.e2e.keyboard import assert_keyboard_ready

pytestmark = pytest.mark.e2e


def open_gmail(extension, thread='thread-a'):
    route_gmail(extension.context)
    gmail = extension.context.new_page()
    gmail.goto(f'{GMAIL_URL}#inbox/{thread}')
    gmail.locator('#meetside-launcher').wait_for()  # the content script runs
    return gmail


def panel_beside(extension, gmail_tab):
    panel = extension.context.new_page()
    panel.goto(extension.url(f'{PANEL}?tab={gmail_tab}'))
    return panel


def people(panel):
    return panel.locator('section.this-email li.person')


def paint_ms(panel, source):
    return panel.evaluate(f"performance.getEntriesByName('this-email-{source}').map((e) => e.duration)")


@pytest.fixture
def newco(world):
    with db.connection_context():
        return Company.create(account=world.rep.account_id, name='Newco', domain='newco.example')


def test_issue10_b6_this_email_shows_the_threads_people_follows_navigation_and_adds(extension, server, world, newco):
    extension.sign_in(server, world.token)
    spy_on_worker(extension)
    gmail = open_gmail(extension)
    gmail.wait_for_timeout(500)
    # The panel is closed: the content script sends nothing of the thread.
    assert seen(extension) == []

    panel = panel_beside(extension, gmail_tab_id(extension))
    section = panel.locator('section.this-email')
    expect(people(panel)).to_have_count(2)
    panel.locator('button.meeting').first.wait_for()  # the list stays under the section
    assert section.locator('h2').inner_text().lower() == 'this e-mail'
    pat = section.locator('li.person[data-email="pat@globex.example"]')
    expect(pat).to_contain_text('Head of Purchasing · Globex · Rita Rep (you)')
    nina = section.locator('li.person[data-email="nina@newco.example"]')
    expect(nina).to_contain_text('Nina Newcomer')
    expect(nina).to_contain_text('Newco')  # the company her domain matches, before she is a contact
    assert nina.get_by_role('button', name='Add Nina Newcomer as a contact').is_visible()
    # Colleagues (R12) on one line; the rep herself is not listed.
    assert section.locator('.internal-line').inner_text() == 'Colleagues: Carl Colleague'
    # Only addresses and display names crossed over: nothing else of the message.
    [message] = seen(extension)
    assert set(message) == {'type', 'thread', 'people'}
    assert all(set(p) == {'email', 'display_name'} for p in message['people'])
    assert SECRET not in json.dumps(message) and 'Globex pricing' not in json.dumps(message)
    assert [p['email'] for p in message['people']] == [
        'pat@globex.example', 'rita@acme.example', 'nina@newco.example', 'carl@acme.example']
    assert_accessible(panel, 'this e-mail')
    screenshot(panel, 'this-email')
    assert_keyboard_ready(panel, 'this e-mail')

    # Another thread (hash change + DOM swap): the section follows, timed from the message; an
    # address the server finds malformed is left out, not an error for the whole section.
    gmail.evaluate("location.hash = '#inbox/thread-b'")
    expect(people(panel)).to_have_count(2)
    expect(section.locator('p.error')).to_have_count(0)
    expect(section.locator('li.person[data-email="omar@initech.example"]')).to_contain_text('Omar Initech')
    expect(section.locator('.internal-line')).to_have_count(0)
    [fresh] = paint_ms(panel, 'server')[1:] or [None]
    print(f'\nThis e-mail: new thread painted {fresh:.0f} ms after the panel received its addresses')
    assert fresh < 300

    # Back to the first thread: painted from the cache first, then revalidated.
    gmail.evaluate("location.hash = '#inbox/thread-a'")
    expect(section.locator('li.person[data-email="nina@newco.example"]')).to_have_count(1)
    expect(section).to_have_attribute('data-source', 'server')
    [cached] = paint_ms(panel, 'cache')
    print(f'This e-mail: seen thread painted from cache {cached:.0f} ms after receiving its addresses')
    assert cached < 300

    # The inbox (no thread open): the section goes away.
    gmail.evaluate("location.hash = '#inbox'")
    expect(section).to_be_hidden()
    gmail.evaluate("location.hash = '#inbox/thread-a'")

    # Add (R18 from an e-mail): the contact is made from address and display name, linked to
    # the company of its domain; the row becomes a contact that opens its card.
    nina.get_by_role('button', name='Add Nina Newcomer as a contact').click()
    nina.get_by_role('button', name='Nina Newcomer', exact=True).wait_for()
    expect(nina.locator('button.add')).to_have_count(0)
    [contact] = call(server, world.token, 'GET', '/contacts', params={'email': 'nina@newco.example'})['items']
    assert (contact['name'], contact['company_id']) == ('Nina Newcomer', newco.id)
    nina.get_by_role('button', name='Nina Newcomer', exact=True).click()
    panel.locator('section.card dl').wait_for()
    assert 'nina@newco.example' in panel.inner_text('section.card')

    # The panel closes: the content script stops sending.
    panel.close()
    gmail.wait_for_timeout(300)
    before = len(seen(extension))
    gmail.evaluate("location.hash = '#inbox/thread-b'")
    gmail.wait_for_timeout(600)
    assert len(seen(extension)) == before
    extension.context.unroute('https://mail.google.com/**')


def test_issue10_b6_the_real_side_panel_hears_its_gmail_tab(extension, server, world):
    """The side panel (not a tab) finds its tab itself: the launcher opens it and the thread flows."""
    extension.sign_in(server, world.token)
    spy_on_worker(extension)
    gmail = open_gmail(extension)
    gmail.wait_for_timeout(300)
    assert seen(extension) == []
    gmail.locator('#meetside-launcher').click()
    expect_panel_document(extension)
    deadline = 50
    while not seen(extension) and deadline:
        gmail.wait_for_timeout(100)
        deadline -= 1
    # (Each time a panel document connects, it is sent the thread again.)
    for message in seen(extension):
        assert message['thread'] == 'thread-a' and len(message['people']) == 4
    extension.context.unroute('https://mail.google.com/**')


def test_issue10_this_email_and_the_brief_in_traditional_chinese(new_extension, server, world, newco):
    from tests.e2e.test_locales import messages
    text = messages('zh_TW')
    extension = new_extension('zh-TW')
    extension.sign_in(server, world.token)
    open_gmail(extension)
    panel = panel_beside(extension, gmail_tab_id(extension))
    section = panel.locator('section.this-email')
    expect(people(panel)).to_have_count(2)
    assert section.locator('h2').inner_text() == text['thisEmail']
    assert section.locator('.internal-line').inner_text() == text['internalPeople'].replace('$ARG1$', 'Carl Colleague')
    nina = section.locator('li.person[data-email="nina@newco.example"]')
    assert nina.get_by_role('button', name=text['addNamed'].replace('$ARG1$', 'Nina Newcomer')).is_visible()
    assert_accessible(panel, 'this e-mail (zh-TW)')
    screenshot(panel, 'this-email-zh-TW')
    section.get_by_role('button', name='Pat Buyer').click()
    card = panel.locator('section.card')
    card.locator('.block').first.wait_for()
    for key in ('openDeals', 'openTickets', 'lastMeeting', 'nextMeetingHeading', 'upcomingMeetings', 'pastMeetings'):
        assert text[key] in card.inner_text(), key
    assert_accessible(panel, 'contact brief (zh-TW)')
    screenshot(panel, 'contact-brief-zh-TW')
    panel.get_by_role('button', name=text['back']).click()
    panel.get_by_role('button', name='Globex product demo').click()
    prep = panel.locator('details.prep')
    prep.locator('.company-prep').first.wait_for()
    for key in ('prep', 'lastMeetingWith', 'nothingOpen'):  # (Newco, by Nina's domain, has nothing open)
        assert text[key] in prep.inner_text(), key
    assert text['addAll'].replace('$ARG1$', '1') in panel.inner_text('main')
    assert_accessible(panel, 'meeting prep (zh-TW)')
    screenshot(panel, 'meeting-prep-zh-TW')
    extension.context.unroute('https://mail.google.com/**')
    assert not extension.errors, extension.errors
