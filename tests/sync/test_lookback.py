"""R4 is about when an event was *created*: a call logged after connecting, dated before it."""
import datetime

import pytest

from server.db import db
from server.models import Meeting
from server.sync import runner
from tests.clock import today
from tests.fakes.fixtures import connect_with_contact


def titles():
    with db.connection_context():
        return sorted(m.title for m in Meeting.select())


def test_r4_yesterdays_call_logged_after_connecting_is_synced_and_survives_a_resync(world):
    """The full pass lists from before the connection time, so the call is synced (R4, R8)."""
    world.calendar.add(world.event('yesterday', start=today(10, days=-1)))
    result = runner.sync_user(world.user.id, {}, provider=world.provider)
    assert (result.status, result.decisions) == ('ok', {'logged': 1})
    world.calendar.expire_cursors()  # a 410: the next sync is a full pass again
    world.calendar.edit('yesterday', title='Yesterday, with minutes')
    result = runner.sync_user(world.user.id, {}, provider=world.provider)
    assert result.full_resync and result.decisions == {'updated': 1}
    assert [m.title for m in Meeting.select()] == ['Yesterday, with minutes']


@pytest.fixture
def google(app, google_fake, caller):
    return connect_with_contact(app, google_fake, 'google', caller.user, 'buyer@client.com')


def sync(app, caller):
    with db.connection_context():
        return runner.sync_user(caller.user.id, app.config, sleep=lambda seconds: None)


def test_r4_r9_on_google_an_edit_to_yesterdays_call_survives_a_full_resync(app, caller, google):
    """Through the real client: connecting ran the first full pass; the call logged after it
    arrives as a change, and the full pass after a 410 (timeMin) still reaches it, so an edit
    made while the sync token was dead is not lost (R4, R9)."""
    yesterday = today(10, days=-1)
    event = google.store.add_event(caller.user.email, 'Yesterday call', start=yesterday,
                                   end=yesterday + datetime.timedelta(minutes=30),
                                   attendees=['buyer@client.com'])
    assert sync(app, caller).status == 'ok'
    assert titles() == ['Yesterday call']
    google.invalidate_sync_tokens()
    google.store.edit_event(event.id, title='Yesterday call, with minutes')
    result = sync(app, caller)
    assert result.status == 'ok' and result.full_resync
    assert titles() == ['Yesterday call, with minutes']
