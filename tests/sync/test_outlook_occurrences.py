"""R13 on Outlook through the runner, the real Graph client and the Graph fake: a week the
organizer calls off (which Graph reports by the occurrence's id alone) becomes its own cancelled
meeting, and a deleted series leaves the timelines whichever way Graph reports its deletion."""
import datetime

import pytest

from server.db import db
from server.models import Meeting, MeetingContact, SeriesOccurrence
from server.sync import runner
from tests.fakes.fixtures import connect_with_contact

WEEK = datetime.timedelta(days=7)


@pytest.fixture
def outlook(app, caller, graph_fake):
    return connect_with_contact(app, graph_fake, 'outlook', caller.user, 'ann@client.example',
                                OUTLOOK_PAGE_SIZE=4)


def sync(app, caller):
    with db.connection_context():
        result = runner.sync_user(caller.user.id, app.config)
        assert result.status == 'ok', result
        return {(m.provider_event_id, m.status, m.start) for m in Meeting.select()}


@pytest.mark.parametrize('as_occurrences', [False, True], ids=['master-removed', 'weeks-removed'])
def test_r13_a_called_off_week_is_its_own_meeting_and_r9_a_deleted_series_leaves(
        app, caller, outlook, as_occurrences):
    store, owner = outlook.store, caller.user.email
    first = datetime.datetime.now().replace(hour=10, minute=0, second=0, microsecond=0) \
        + datetime.timedelta(days=2)
    series = store.add_event(owner, 'Weekly pipeline review', start=first,
                             attendees=['ann@client.example'],
                             recurrence=['RRULE:FREQ=WEEKLY;COUNT=6']).id
    assert sync(app, caller) == {(series, 'scheduled', first)}  # R13: the series once
    with db.connection_context():
        assert SeriesOccurrence.select().count() == 6  # its weeks, remembered

    # The organizer calls week 3 off: Graph says only {"id": <that week>, "@removed": ...}.
    called_off = store.add_exception(series, first + 2 * WEEK, cancelled=True).id
    assert sync(app, caller) == {(series, 'scheduled', first),
                                 (called_off, 'cancelled', first + 2 * WEEK)}
    with db.connection_context():
        week = Meeting.get(Meeting.provider_event_id == called_off)
        assert week.title == 'Weekly pipeline review'
        assert MeetingContact.select().where(MeetingContact.meeting == week.id).count() == 1  # R8

    # The whole series is deleted: its meeting leaves the timelines, and no other week
    # becomes a meeting, whether Graph reports the master's removal or only its weeks'.
    outlook.series_deletion_as_occurrences = as_occurrences
    store.delete_event(series)
    assert sync(app, caller) == {(called_off, 'cancelled', first + 2 * WEEK)}
