"""R13 across the pages of one pass: what a single page cannot tell about a series.

A page is applied on its own, but a series' master, its cancelled weeks and its occurrences
may be listed on different pages, in any order (Google does not specify one; Graph pages by
size). ``SeriesPass`` follows one sync pass page by page and, once the pass (or the calendar
view it lists) is over, hands the runner what still needs deciding:

- **cancelled weeks listed before their master** (issue 8): a cancelled occurrence whose
  master is not on its page is held back and decided at the end of the pass, once every page,
  the master's included, is written. The engine then finds the master's meeting whatever the
  page order; a series that was never logged still skips the week (``r13_series_not_logged``).
  A later page's copy of the same occurrence replaces the held one (the newest state wins).

- **weeks deleted before the sync first saw the series** (Outlook, issue 15): a calendar view
  never lists them, not even as a removal. The provider hands each page's series recurrences
  (``ChangePage.series``) and its view. When the view is over, each series' expected
  occurrences in the window are compared with the occurrences and exceptions the pass listed;
  an expected one that was not listed is a deleted week, decided as a cancelled occurrence
  (its own cancelled meeting, as on Google). Only where the pass lists every instance of the
  series: a full pass of the window, or a delta pass for a series the sync had never seen (no
  remembered occurrence, no meeting: everything it has is new to this delta). A week the sync
  remembered keeps its Graph id; a never-seen one gets ``<series id>@<UTC start>``, the same on
  every pass, so a full pass later finds the same meeting. The expansion must reproduce every
  listed plain occurrence, or nothing is concluded for that series (a pattern read wrongly
  must never cancel weeks). Only the series the CRM logged are compared: the others' weeks
  would only be skipped.

Pages without series cost nothing here; one with series costs one query the first time a
delta pass meets a series, and the end of a view one query for its series with missing weeks.
"""
import collections

from server.calendars.base import CalendarEvent
from server.models import Meeting, SeriesOccurrence
from server.sync.bulk import select_in


def missing_week_id(series_id, start):
    """The stable id of a week no provider ever named (see above)."""
    return f'{series_id}@{start:%Y%m%dT%H%M%SZ}'


class SeriesPass:
    """One pass of one user's sync (see the module docstring)."""

    def __init__(self, scope):
        self.scope = scope
        self.held = {}  # provider event id -> cancelled occurrence whose master was not seen
        self.view = None
        self._reset_view()

    def _reset_view(self):
        self.patterns = {}  # series id -> SeriesPattern
        self.listed = collections.defaultdict(set)  # series id -> instance starts listed
        self.plain = collections.defaultdict(set)  # series id -> plain occurrence starts
        self.new_series = {}  # series id -> True if the sync had never seen it (delta passes)

    def take(self, changes, events):
        """Follow one page before it is written: (the events to apply now, the cancelled
        weeks of a view that just ended, to apply before them)."""
        ended = []
        if changes.view != self.view:
            ended = self._end_view()
            self.view = changes.view
        if self.view is not None:  # Outlook's pages: a moved week may be on any page
            self._follow(changes, events)
        return self._hold(events), ended

    def finish(self):
        """At the end of the pass: the held cancelled weeks and the deleted weeks found."""
        found = self._end_view()
        held, self.held = list(self.held.values()), {}
        return found + held

    # -- cancelled weeks before their master -----------------------------------------------
    def _hold(self, events):
        held = self.held
        if held:
            for event in events:  # this page's copy of a held week is newer
                event_id = getattr(event, 'provider_event_id', None)
                if isinstance(event_id, str):
                    held.pop(event_id, None)
        # One cheap test per event (bench/sync.py: non-recurring events pay nothing more).
        waiting = [e for e in events if getattr(e, 'recurring_event_id', None)
                   and getattr(e, 'status', None) == 'cancelled']
        if not waiting:
            return events
        masters = {e.provider_event_id for e in events
                   if isinstance(e, CalendarEvent) and e.is_recurring_master}
        later = {id(e) for e in waiting
                 if isinstance(e, CalendarEvent) and isinstance(e.provider_event_id, str)
                 and not e.is_recurring_master and e.recurring_event_id not in masters}
        if not later:
            return events
        kept = []
        for event in events:
            if id(event) in later:
                held[event.provider_event_id] = event
            else:
                kept.append(event)
        return kept

    # -- weeks deleted before the series was seen ------------------------------------------
    def _follow(self, changes, events):
        for pattern in changes.series:
            self.patterns[pattern.series_id] = pattern
        for occurrence in changes.occurrences:
            self.listed[occurrence.series_id].add(occurrence.start)
            self.plain[occurrence.series_id].add(occurrence.start)
        for event in events:
            if isinstance(event, CalendarEvent) and event.recurring_event_id:
                start = event.original_start or event.start
                if start is not None:
                    self.listed[event.recurring_event_id].add(start)
        if not self.view.complete and (changes.series or changes.occurrences):
            self._note_new_series(set(self.listed) | set(self.patterns))

    def _note_new_series(self, series_ids):
        """Whether each series first met in this delta pass was new to the sync; asked before
        the page's occurrences are remembered and its master written."""
        unknown = sorted(s for s in series_ids if s not in self.new_series)
        if not unknown:
            return
        user = self.scope.user_id
        seen = {s for (s,) in select_in(SeriesOccurrence, ('series_id',), {'user': user},
                                        'series_id', unknown)}
        seen.update(s for (s,) in select_in(
            Meeting, ('provider_event_id',),
            {'user': user, 'calendar_provider': self.scope.provider}, 'provider_event_id',
            unknown))
        for series_id in unknown:
            self.new_series[series_id] = series_id not in seen

    def _end_view(self):
        view, found = self.view, []
        if view is None or not self.patterns:
            self._reset_view()
            return found
        missing = {}
        for series_id, pattern in self.patterns.items():
            if not (view.complete or self.new_series.get(series_id)):
                continue
            expected = pattern.starts(view.start, view.end)
            if expected is None or not self.plain[series_id] <= set(expected):
                continue  # the pattern does not reproduce what Graph listed: conclude nothing
            gone = [start for start in expected if start not in self.listed[series_id]]
            if gone:
                missing[series_id] = gone
        self._reset_view()
        if missing:
            found = self._cancelled_weeks(missing)
        return found

    def _cancelled_weeks(self, missing):
        user, provider = self.scope.user_id, self.scope.provider
        # The series' title names the week in the decision log (B4): Graph never sent one.
        logged = dict(select_in(Meeting, ('provider_event_id', 'title'),
                                {'user': user, 'calendar_provider': provider},
                                'provider_event_id', sorted(missing)))
        remembered = {(series_id, start): occurrence_id
                      for occurrence_id, series_id, start in select_in(
                          SeriesOccurrence, ('occurrence_id', 'series_id', 'start'),
                          {'user': user}, 'series_id', sorted(logged))} if logged else {}
        weeks = []
        for series_id in sorted(logged):
            for start in missing[series_id]:
                event_id = (remembered.get((series_id, start))
                            or missing_week_id(series_id, start))
                weeks.append(CalendarEvent(provider_event_id=event_id, status='cancelled',
                                           title=logged[series_id],
                                           recurring_event_id=series_id, original_start=start))
        return weeks
