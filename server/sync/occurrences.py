"""R13 on Outlook: a bare removal of a remembered occurrence becomes its series' cancelled week.

A calendar view lists a series as its occurrences. The Outlook provider hands the sync the
series master instead, and names the plain occurrences it folded (``ChangePage.occurrences``),
which ``remember`` keeps. When the organizer calls one week off, Graph reports nothing but
``{"id": <that occurrence>, "@removed": ...}``. ``resolve_removals`` looks such ids up and asks
the calendar whether their series still exists:

- it does: the removal becomes a cancelled occurrence of that series, which the engine keeps as
  its own cancelled meeting (R13), as it does Google's cancelled instances;
- it does not: the whole series was deleted, which a calendar view may report as its
  occurrences' removals alone. The series' own deletion is added, so the series' meeting
  leaves the timelines (R9), and no deleted week becomes a meeting.

Only a page with bare removals costs a query, and only a removal of a remembered occurrence
costs a lookup (one per series). Google names the series of every cancelled instance itself,
so its pages never match. ``prune`` (daily) drops occurrences older than any Outlook window
still reaches.
"""
from server.calendars.base import CalendarEvent
from server.models import SeriesOccurrence
from server.sync.bulk import insert_rows, select_in, stored_datetime, upsert_tail

MAX_ID = 1024  # the columns' length, as for meetings' provider event ids
_COLUMNS = ('account', 'user', 'occurrence_id', 'series_id', 'start')
_UPSERT = upsert_tail(SeriesOccurrence, ('user', 'occurrence_id'), ('series_id', 'start'))


def remember(scope, occurrences):
    """Keep (or refresh) each occurrence's series and start: one statement per page."""
    rows = {o.occurrence_id: (scope.account_id, scope.user_id, o.occurrence_id, o.series_id,
                              stored_datetime(o.start))
            for o in occurrences
            if 0 < len(o.occurrence_id) <= MAX_ID and 0 < len(o.series_id) <= MAX_ID}
    insert_rows(SeriesOccurrence, _COLUMNS, list(rows.values()), _UPSERT)


def prune(cutoff):
    """Forget occurrences that started before ``cutoff``: no delta reports them any more."""
    return SeriesOccurrence.delete().where(SeriesOccurrence.start < cutoff).execute()


def is_bare_removal(event):
    """A deletion that names only the event (Graph's ``@removed``): no series, no times."""
    return (event.status == 'cancelled' and not event.recurring_event_id
            and event.start is None and event.original_start is None)


def resolve_removals(scope, events, series_exists):
    """``events`` with each bare removal of a remembered occurrence made explicit (see above).

    ``series_exists(series_id)`` asks the calendar (the provider's get_event); it is called at
    most once per series. Anything else is passed through unchanged, in order.
    """
    bare = [e.provider_event_id for e in events
            if isinstance(e, CalendarEvent) and e.provider_event_id and is_bare_removal(e)]
    if not bare:
        return events
    known = {occurrence_id: (series_id, start) for occurrence_id, series_id, start in select_in(
        SeriesOccurrence, ('occurrence_id', 'series_id', 'start'), {'user': scope.user_id},
        'occurrence_id', sorted(set(bare)))}
    if not known:
        return events
    alive = {series_id: series_exists(series_id)
             for series_id in sorted({series_id for series_id, _ in known.values()})}
    resolved, series_removed = [], set()
    for event in events:
        found = known.get(event.provider_event_id) if isinstance(event, CalendarEvent) else None
        if found is None or not is_bare_removal(event):
            resolved.append(event)
            continue
        series_id, start = found
        if alive[series_id]:
            resolved.append(CalendarEvent(provider_event_id=event.provider_event_id,
                                          status='cancelled', recurring_event_id=series_id,
                                          original_start=start))
            continue
        # The removal stays (a week that had become its own meeting goes with it), and the
        # series' deletion follows it once.
        resolved.append(event)
        if series_id not in series_removed:
            series_removed.add(series_id)
            resolved.append(CalendarEvent(provider_event_id=series_id, status='cancelled'))
    return resolved
