"""Issue 8 §5: a CRM meeting's round trips through the calendar are idempotent.

A meeting with both a location and a video link carries the link in the event's description
("Video call: <link>", server/calendars/links.py). Each edit in the CRM is patched to the
calendar through the real Google / Graph client, and each sync reads the event back; five such
round trips must leave the description, location and link exactly as typed, and the event with
the link once.
"""
import pytest

from server.db import db
from server.models import Meeting
from server.sync import runner
from tests.clock import iso_ahead
from tests.fakes.fixtures import connect_with_contact

LINK = 'https://meet.example.com/abc-defg-hij'
DESCRIPTION = 'Agenda:\n1. Pricing\n2. Next steps'


@pytest.fixture(params=['google', 'outlook'])
def connected(request, app, caller):
    fake = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    return connect_with_contact(app, fake, request.param, caller.user, 'ann@client.example')


def test_issue8_video_link_round_trips_are_idempotent(app, caller, connected):
    fake = connected
    resp = caller.post('/meetings', json={
        'title': 'Demo', 'start': iso_ahead(days=3), 'end': iso_ahead(days=3, hour=16),
        'description': DESCRIPTION, 'location': 'Room 4', 'video_link': LINK,
        'attendees': [{'email': 'ann@client.example'}]})
    assert resp.status_code == 201, resp.json
    meeting_id = resp.json['id']
    seen = []
    for n in range(5):
        resp = caller.patch(f'/meetings/{meeting_id}', json={'title': f'Demo, edit {n}'})
        assert resp.status_code == 200, resp.json
        with db.connection_context():
            assert runner.sync_user(caller.user.id, app.config).status == 'ok'
            meeting = Meeting.get_by_id(meeting_id)
        seen.append((meeting.title, meeting.description, meeting.location, meeting.video_link))
        [event] = [e for e in fake.store.events.values() if not e.deleted]
        assert event.description.count(LINK) == 1, (n, event.description)
    assert seen == [(f'Demo, edit {n}', DESCRIPTION, 'Room 4', LINK) for n in range(5)]
    assert event.description == f'{DESCRIPTION}\n\nVideo call: {LINK}'


def test_issue8_copies_left_by_earlier_round_trips_are_taken_off():
    """Meetings that already gathered copies heal on their next read of the event."""
    from server.calendars.links import split_video_link
    piled = DESCRIPTION + f'\n\nVideo call: {LINK}' * 4
    assert split_video_link(piled) == (DESCRIPTION, LINK)
    # The user's own text is left alone: a link mid-paragraph, or no paragraph at all.
    assert split_video_link(f'See Video call: {LINK}') == (f'See Video call: {LINK}', '')
    assert split_video_link('') == ('', '')
