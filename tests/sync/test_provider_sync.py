"""The runner with each real provider client against its fake: calendar changes reach the CRM
(R8, R9, R13, R15) and an expired cursor (Google 410, a stale Graph delta) resyncs in full
without duplicating meetings."""
import datetime

import pytest

from server.db import db
from server.models import Contact, Meeting
from server.sync import runner
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake


@pytest.fixture(params=['google', 'outlook'])
def connected(request, app, caller):
    """The caller's calendar at ``request.param``'s fake, connected a moment ago."""
    fake = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    fake.push_sink = lambda url, headers, body: None
    app.config.update(fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
                      GOOGLE_PAGE_SIZE=3)
    with db.connection_context():
        Contact.create(account=caller.user.account_id, email='ann@client.example')
    connect_to_fake(fake, request.param, caller.user, app.config)
    return request.param, fake


def sync(app, caller):
    with db.connection_context():
        result = runner.sync_user(caller.user.id, app.config)
        meetings = {m.title: m for m in Meeting.select()}
    assert result.status == 'ok', result
    return result, meetings


def test_calendar_changes_reach_the_crm_through_each_provider(app, caller, connected):
    name, fake = connected
    store, owner = fake.store, caller.user.email
    later = datetime.datetime.now().replace(microsecond=0) + datetime.timedelta(days=2)
    kept = store.add_event(owner, 'Kept', start=later, attendees=['Ann@client.example'])
    edited = store.add_event(owner, 'Before edit', start=later, attendees=['ann@client.example'])
    deleted = store.add_event(owner, 'Deleted later', start=later, attendees=['ann@client.example'])
    private = store.add_event(owner, 'Made private', start=later, attendees=['ann@client.example'])
    store.add_event(owner, 'Colleagues only', start=later, attendees=['bob@acme.com'])
    store.add_event(owner, 'No contact', start=later, attendees=['x@else.example'])
    store.add_event(owner, 'All day', start=later, all_day=True, attendees=['ann@client.example'])
    for n in range(5):  # more than a page
        store.add_event(owner, f'Filler {n}', start=later, attendees=['ann@client.example'])
    _, meetings = sync(app, caller)
    assert set(meetings) == {'Kept', 'Before edit', 'Deleted later', 'Made private'} | {
        f'Filler {n}' for n in range(5)}
    assert meetings['Kept'].calendar_provider == name
    # R8: the event's id across calendars, by which a timeline shows it once.
    assert meetings['Kept'].ical_uid and meetings['Kept'].ical_uid != meetings['Filler 0'].ical_uid

    store.edit_event(edited.id, title='After edit')
    store.delete_event(deleted.id)
    store.make_private(private.id)
    result, meetings = sync(app, caller)
    assert not result.full_resync
    assert 'After edit' in meetings and 'Before edit' not in meetings
    assert 'Deleted later' not in meetings
    assert meetings['Made private'].frozen

    # The cursor expires (410 / stale delta link): a full pass, nothing duplicated.
    if name == 'google':
        fake.invalidate_sync_tokens()
    else:
        fake.invalidate_delta_tokens()
    store.edit_event(kept.id, title='Kept, renamed')
    result, meetings = sync(app, caller)
    assert result.full_resync
    assert 'Kept, renamed' in meetings
    with db.connection_context():
        ids = [m.provider_event_id for m in Meeting.select()]
    assert len(ids) == len(set(ids)) == 8
