"""Issue 9 §5: the meeting screen's Start reason, attendee order and emphasis, long text."""
import pytest

from server.db import db
from server.models import Contact, MeetingAttendee
from tests.e2e.conftest import call, open_meeting

pytestmark = pytest.mark.e2e

MUTED = 'rgb(95, 99, 104)'  # --muted


def test_issue9_start_is_disabled_only_with_the_reason_shown(extension, server, world):
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Contract review')  # no video link, no calendar event
    start = panel.get_by_role('button', name='Start meeting')
    assert start.is_disabled()
    reason = panel.locator('.head .actions').inner_text()
    assert 'No video link or calendar event' in reason
    assert panel.locator('#' + start.get_attribute('aria-describedby')).inner_text() == \
        'No video link or calendar event'
    panel.get_by_role('button', name='Back').click()
    open_meeting(panel, 'Globex product demo')  # has a video link: enabled, no reason
    assert panel.get_by_role('button', name='Start meeting').is_enabled()
    assert 'No video link' not in panel.locator('.head').inner_text()


def test_issue9_organizer_first_and_colleagues_secondary_to_customers(extension, server, world):
    with db.connection_context():  # the organizer is the customer listed second
        MeetingAttendee.update(is_organizer=True).where(
            MeetingAttendee.meeting == world.demo.id, MeetingAttendee.email == 'nina@newco.example').execute()
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    open_meeting(panel, 'Globex product demo')
    emails = [row.get_attribute('data-email') for row in panel.locator('li.attendee').all()]
    assert emails == ['nina@newco.example', 'pat@globex.example', 'carl@acme.example']
    color = lambda email: panel.locator(f'li.attendee[data-email="{email}"] .name').evaluate(
        'el => getComputedStyle(el).color')
    assert color('carl@acme.example') == MUTED
    assert color('pat@globex.example') != MUTED and color('nina@newco.example') != MUTED


def test_issue9_long_names_are_cut_with_a_tooltip_and_the_title_is_shown_once(extension, server, world):
    long_name = 'Pat ' + 'Bartholomew-' * 6 + 'Buyer'
    long_title = 'Globex product demo with the whole regional purchasing committee and their ' * 3
    long_title = long_title.strip()
    with db.connection_context():
        Contact.update(first_name=long_name.split(' ', 1)[0], last_name=long_name.split(' ', 1)[1]).where(
            Contact.id == world.pat.id).execute()
    call(server, world.token, 'PATCH', f'/meetings/{world.demo.id}', json={'title': long_title})
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    listed = panel.locator('button.meeting .title', has_text=long_title[:40])
    assert listed.get_attribute('title') == long_title
    assert listed.evaluate('el => el.scrollWidth > el.clientWidth')  # cut with an ellipsis
    open_meeting(panel, long_title[:40])
    row = panel.locator('li.attendee[data-email="pat@globex.example"]')
    name = row.locator('.name')
    assert name.get_attribute('title') == long_name
    cut = name.evaluate('el => [el.scrollWidth > el.clientWidth, getComputedStyle(el).textOverflow]')
    assert cut == [True, 'ellipsis']
    # Nothing runs under the badge: the text column ends before the badge begins.
    who, badge = row.locator('.who').bounding_box(), row.locator('.badge').bounding_box()
    text = name.bounding_box()
    assert who['x'] + who['width'] <= badge['x'] + 0.5 and text['x'] + text['width'] <= badge['x'] + 0.5
    assert badge['x'] + badge['width'] <= panel.viewport_size['width']
    # The title once, in the heading, wrapped to at most 3 lines, full text in its tooltip.
    heading = panel.locator('#heading')
    heading.get_by_text(long_title[:20]).wait_for()
    assert heading.get_attribute('title') == long_title
    lines = heading.evaluate('el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)')
    assert 1.5 < lines <= 3.05, lines
    assert long_title[:30] not in panel.locator('#view').inner_text()
