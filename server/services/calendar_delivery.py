"""Whether a CRM meeting is on its owner's calendar yet (R5), read from the outbox, so a write
held back (the connection needs reconnecting, the key no longer decrypts its tokens) shows on
the meeting instead of waiting invisibly.
"""
from server.models import CalendarConnection, CalendarOutbox


def state(meeting, viewer):
    """{'state': ..., 'message': ...} for ``meeting`` as ``viewer`` sees it.

    state: 'none' (no calendar event is owed), 'on_calendar', 'pending' (the event is not yet
    on the calendar), 'changes_pending' (it is, without the latest CRM changes) or 'failed'.
    """
    rows = list(CalendarOutbox.select(CalendarOutbox.action, CalendarOutbox.status)
                .where(CalendarOutbox.meeting == meeting.id,
                       CalendarOutbox.status.in_(('pending', 'failed')),
                       CalendarOutbox.action.in_(('insert', 'patch')))
                .order_by(CalendarOutbox.id))
    if not rows:
        if not meeting.provider_event_id:
            return {'state': 'none', 'message': 'Not on a calendar'}
        return {'state': 'on_calendar', 'message': 'On the calendar'}
    whose = 'your' if meeting.user_id in (None, viewer.id) else "its owner's"
    if any(r.action == 'insert' and r.status == 'failed' for r in rows):
        return {'state': 'failed',
                'message': f'Not on {whose} calendar: the calendar refused to add it'}
    held = CalendarConnection.get_or_none(CalendarConnection.user == meeting.user_id)
    why = ''
    if held is None or held.status != 'connected':
        why = ' (the calendar connection needs reconnecting in Settings › Calendar)'
    if any(r.action == 'insert' for r in rows):
        return {'state': 'pending', 'message': f'Not yet on {whose} calendar{why}'}
    return {'state': 'changes_pending',
            'message': f'The latest changes are not yet on {whose} calendar{why}'}
