"""Google Calendar v3 event resources <-> the neutral types of server.calendars.base."""
import datetime

from server.calendars.base import Attendee, CalendarEvent
from server.calendars.links import link_in_location, place_video_link, split_video_link
from server.calendars.timeutil import parse_iso, rfc3339


def parse_time(field):
    """A Google {date | dateTime} -> (naive UTC datetime, all_day)."""
    if not field:
        return None, False
    if field.get('date'):
        day = datetime.date.fromisoformat(field['date'])
        return datetime.datetime(day.year, day.month, day.day), True
    return parse_iso(field.get('dateTime')), False


def video_link(item):
    """The event's video-call address: Meet's hangoutLink, a conference entry point, or a
    link in the location (how links of other tools usually arrive)."""
    if item.get('hangoutLink'):
        return item['hangoutLink']
    for point in (item.get('conferenceData') or {}).get('entryPoints') or []:
        if point.get('entryPointType') == 'video' and point.get('uri'):
            return point['uri']
    return link_in_location(item.get('location'))


def parse_attendee(raw):
    # Positional (email, display_name, response_status, is_organizer, is_self): a full sync
    # builds ~5 per event, and keyword arguments made each one slower.
    get = raw.get
    return Attendee((get('email') or '').strip().lower(), get('displayName', ''),
                    get('responseStatus', 'needsAction'), bool(get('organizer')),
                    bool(get('self')))


def parse_event(item):
    """One events resource -> CalendarEvent (a deleted one keeps only its identity)."""
    start, all_day = parse_time(item.get('start'))
    end, _ = parse_time(item.get('end'))
    original_start, _ = parse_time(item.get('originalStartTime'))
    organizer = item.get('organizer') or {}
    # The "Video call" paragraph event_body added is ours, not the user's text (issue 8).
    description, placed_link = split_video_link(item.get('description', ''))
    return CalendarEvent(
        provider_event_id=item['id'],
        status=item.get('status', 'confirmed'),
        title=item.get('summary', ''),
        description=description,
        location=item.get('location', ''),
        start=start, end=end, all_day=all_day,
        visibility=item.get('visibility', 'default'),
        created=parse_iso(item.get('created')),
        updated=parse_iso(item.get('updated')),
        organizer_email=(organizer.get('email') or '').lower(),
        attendees=[parse_attendee(a) for a in item.get('attendees') or [] if a.get('email')],
        is_recurring_master=bool(item.get('recurrence')),
        recurring_event_id=item.get('recurringEventId'),
        original_start=original_start,
        html_link=item.get('htmlLink', ''),
        video_link=video_link(item) or placed_link,
        ical_uid=item.get('iCalUID', ''),
    )


def event_body(event):
    """A NewEvent -> the events resource for insert/patch."""
    location, description = place_video_link(event)
    return {
        **({'visibility': 'private'} if event.private else {}),
        'summary': event.title,
        'description': description,
        'location': location,
        'start': {'dateTime': rfc3339(event.start), 'timeZone': 'UTC'},
        'end': {'dateTime': rfc3339(event.end), 'timeZone': 'UTC'},
        'attendees': [dict({'email': a.email}, **({'displayName': a.display_name}
                                                   if a.display_name else {}))
                      for a in event.attendees],
    }
