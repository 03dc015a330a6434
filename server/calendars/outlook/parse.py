"""Microsoft Graph event resources <-> the neutral types of server.calendars.base."""
from server.calendars.base import Attendee, CalendarEvent, SeriesOccurrence
from server.calendars.links import link_in_location, place_video_link, split_video_link
from server.calendars.timeutil import parse_iso

RESPONSES = {'none': 'needsAction', 'notResponded': 'needsAction', 'organizer': 'accepted',
             'accepted': 'accepted', 'tentativelyAccepted': 'tentative', 'declined': 'declined'}
# Graph 'personal' is Outlook's own flavour of private.
VISIBILITY = {'normal': 'default', 'personal': 'private', 'private': 'private',
              'confidential': 'confidential'}


def parse_time(field):
    """Graph dateTimeTimeZone (we ask for UTC with Prefer: outlook.timezone) -> naive UTC."""
    if not field or not field.get('dateTime'):
        return None
    value = field['dateTime']
    if field.get('timeZone') in (None, 'UTC', 'Etc/UTC') and not value.endswith('Z') \
            and '+' not in value[10:]:
        value += 'Z'
    return parse_iso(value)


def parse_attendee(raw, own_email, organizer):
    address = ((raw.get('emailAddress') or {}).get('address') or '').strip().lower()
    name = (raw.get('emailAddress') or {}).get('name') or ''
    return Attendee(email=address, display_name='' if name.lower() == address else name,
                    response_status=RESPONSES.get((raw.get('status') or {}).get('response'),
                                                  'needsAction'),
                    is_organizer=address == organizer, is_self=address == own_email)


def removed(item):
    """A delta '@removed' entry: only the identity of a deleted event remains."""
    return CalendarEvent(provider_event_id=item['id'], status='cancelled')


def series_occurrence(item):
    """A plain occurrence's identity, series and start (its original slot), or None if Graph
    left any out: what a later bare ``@removed`` of that id is resolved against (R13)."""
    start = parse_iso(item.get('originalStart')) or parse_time(item.get('start'))
    if not item.get('id') or not item.get('seriesMasterId') or start is None:
        return None
    return SeriesOccurrence(occurrence_id=item['id'], series_id=item['seriesMasterId'],
                            start=start)


def parse_event(item, own_email=''):
    """One Graph event -> CalendarEvent. A cancelled meeting counts as cancelled."""
    if '@removed' in item:
        return removed(item)
    own_email = (own_email or '').lower()
    organizer = (((item.get('organizer') or {}).get('emailAddress') or {}).get('address')
                 or '').lower()
    kind = item.get('type', 'singleInstance')
    # The "Video call" paragraph event_body added is ours, not the user's text (issue 8).
    description, placed_link = split_video_link(
        (item.get('body') or {}).get('content') or item.get('bodyPreview') or '')
    return CalendarEvent(
        provider_event_id=item['id'],
        status='cancelled' if item.get('isCancelled') else 'confirmed',
        title=item.get('subject') or '',
        description=description,
        location=((item.get('location') or {}).get('displayName') or ''),
        start=parse_time(item.get('start')), end=parse_time(item.get('end')),
        all_day=bool(item.get('isAllDay')),
        visibility=VISIBILITY.get(item.get('sensitivity'), 'default'),
        created=parse_iso(item.get('createdDateTime')),
        updated=parse_iso(item.get('lastModifiedDateTime')),
        organizer_email=organizer,
        attendees=[parse_attendee(a, own_email, organizer) for a in item.get('attendees') or []
                   if (a.get('emailAddress') or {}).get('address')],
        is_recurring_master=kind == 'seriesMaster',
        recurring_event_id=item.get('seriesMasterId') if kind in ('exception', 'occurrence') else None,
        original_start=parse_iso(item.get('originalStart')),
        html_link=item.get('webLink') or '',
        video_link=video_link(item) or placed_link,
        ical_uid=item.get('iCalUId') or '',
    )


def video_link(item):
    meeting = item.get('onlineMeeting') or {}
    if meeting.get('joinUrl'):
        return meeting['joinUrl']
    if item.get('onlineMeetingUrl'):
        return item['onlineMeetingUrl']
    return link_in_location((item.get('location') or {}).get('displayName'))


def event_body(event):
    """A NewEvent -> the Graph event resource for POST/PATCH (times in UTC)."""
    def when(value):
        return {'dateTime': value.strftime('%Y-%m-%dT%H:%M:%S'), 'timeZone': 'UTC'}
    location, description = place_video_link(event)
    return {
        **({'sensitivity': 'private'} if event.private else {}),
        'subject': event.title,
        'body': {'contentType': 'text', 'content': description},
        'start': when(event.start), 'end': when(event.end),
        'location': {'displayName': location},
        'attendees': [{'type': 'required',
                       'emailAddress': dict({'address': a.email},
                                            **({'name': a.display_name} if a.display_name else {}))}
                      for a in event.attendees],
    }
