"""Issue 11 §1 with R9/R13: a meeting cancelled in the calendar gets the outcome 'canceled';
an outcome set in the CRM is not undone by the calendar's echo (B9)."""
import datetime

from server.calendars.base import CalendarEvent
from server.models import Meeting
from server.sync.engine import apply_page

WEEK = datetime.timedelta(days=7)


def test_issue11_r13_an_occurrence_cancelled_in_the_calendar_is_canceled(world):
    master = world.event('ser', is_recurring_master=True)
    apply_page(world.scope(), [master])
    moved = world.event('ser_2', recurring_event_id='ser', title=master.title,
                        start=master.start + WEEK + datetime.timedelta(hours=2),
                        original_start=master.start + WEEK)
    apply_page(world.scope(), [moved])
    assert Meeting.get(Meeting.provider_event_id == 'ser_2').outcome == 'scheduled'
    # The moved week is called off, and another one that was never logged on its own.
    apply_page(world.scope(), [
        CalendarEvent('ser_2', status='cancelled', recurring_event_id='ser',
                      original_start=master.start + WEEK),
        CalendarEvent('ser_3', status='cancelled', recurring_event_id='ser',
                      original_start=master.start + 2 * WEEK)])
    outcomes = {m.provider_event_id: (m.status, m.outcome) for m in Meeting.select()}
    assert outcomes == {'ser': ('scheduled', 'scheduled'), 'ser_2': ('cancelled', 'canceled'),
                        'ser_3': ('cancelled', 'canceled')}


def test_issue11_b9_a_crm_outcome_survives_the_calendars_echo(world):
    apply_page(world.scope(), [world.event('ev1')])
    Meeting.update(outcome='no_show', meeting_type='Demo').execute()
    apply_page(world.scope(), [world.event('ev1', title='Renamed in the calendar')])
    meeting = Meeting.get()
    assert (meeting.title, meeting.outcome, meeting.meeting_type) == (
        'Renamed in the calendar', 'no_show', 'Demo')
