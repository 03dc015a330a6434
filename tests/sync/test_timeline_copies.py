"""R8: an event two users of the account attend shows once on a contact's timeline.

Each user's sync logs its own copy of the meeting (their calendars, their lists); the record
timeline shows the viewer's copy, or the first synced, with the notes taken on every copy.
"""
import datetime

import pytest

from server.calendars.base import Attendee
from server.db import db
from server.models import CalendarConnection, Note, utcnow
from server.services import tokens
from server.sync.engine import Scope, apply_page
from tests.clock import ahead, iso
from tests.sync.conftest import SyncWorld

START = ahead()


@pytest.fixture
def team(app, client):
    """The rep and a colleague, both connected, each with an API token."""
    with db.connection_context():  # closed before the API requests, which open their own
        world = SyncWorld()
        connection = CalendarConnection.create(
            account=world.account.id, user=world.colleague.id, provider='memory',
            provider_email=world.colleague.email, connected_at=world.connected_at)
        world.colleague_scope = Scope.for_connection(connection)
        world.headers = {}
        for user in (world.user, world.colleague):
            _, plaintext = tokens.issue(user)
            world.headers[user.id] = {'Authorization': f'Bearer {plaintext}'}
    world.client = client
    return world


def _sync_both(team, event_id, uid, start=START):
    """The same invitation as each user's calendar reports it (own ids, one iCalendar UID)."""
    ids = []
    with db.connection_context():
        scopes = ((team.scope(), team.user), (team.colleague_scope, team.colleague))
    for scope, owner in scopes:
        event = team.event(f'{event_id}-{owner.id}', start=start, ical_uid=uid,
                           attendees=('buyer@client.com', team.colleague.email))
        event.attendees.append(Attendee(owner.email))
        with db.connection_context():
            [outcome] = apply_page(scope, [event])
        assert outcome.decision == 'logged', outcome
        ids.append(outcome.meeting_id)
    return ids


def _timeline(team, viewer, **query):
    response = team.client.get(f'/api/v1/contacts/{team.buyer.id}/timeline',
                               headers=team.headers[viewer.id], query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_r8_one_event_attended_by_two_users_shows_once_with_both_users_notes(team):
    mine, theirs = _sync_both(team, 'kickoff', 'kickoff@google.com')
    with db.connection_context():
        Note.create(account=team.account.id, meeting=theirs, author=team.colleague.id,
                    body='Colleague: budget confirmed', created_at=utcnow())
        Note.create(account=team.account.id, meeting=mine, author=team.user.id,
                    body='Rep: wants a demo', created_at=utcnow())
    for viewer, own in ((team.user, mine), (team.colleague, theirs)):
        items = _timeline(team, viewer)['items']
        assert [m['id'] for m in items] == [own]  # each sees their own copy, once
        assert [n['body'] for n in items[0]['notes']] == [
            'Colleague: budget confirmed', 'Rep: wants a demo']


def test_r8_r13_occurrences_of_one_series_stay_apart(team):
    """A series' occurrences share the UID; their starts tell them apart."""
    week = datetime.timedelta(days=7)
    _sync_both(team, 'weekly-1', 'weekly@google.com', START)
    _sync_both(team, 'weekly-2', 'weekly@google.com', START + week)
    items = _timeline(team, team.user)['items']
    assert [m['start'] for m in items] == [iso(START + week), iso(START)]


def test_r8_an_events_copies_never_straddle_two_pages(team):
    """Three events at one start, two copies each: pages of one still show each event once."""
    for n in range(3):
        _sync_both(team, f'same-time-{n}', f'same-time-{n}@google.com')
    _sync_both(team, 'earlier', 'earlier@google.com', START - datetime.timedelta(days=1))
    seen, cursor = [], None
    while True:
        page = _timeline(team, team.user, limit=1, **({'cursor': cursor} if cursor else {}))
        seen += [m['title'] for m in page['items']]
        cursor = page['next_cursor']
        if not cursor:
            break
    mine = sorted(f'Demo same-time-{n}-{team.user.id}' for n in range(3))
    assert sorted(seen[:3]) == mine
    assert seen[3:] == [f'Demo earlier-{team.user.id}']
