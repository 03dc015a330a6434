"""Where a CRM meeting's video link goes in a provider event, and how it is found again.

Neither Google nor Graph lets a client attach an arbitrary video link as conference data
(that needs a conferencing add-on or creates a Teams meeting), so the link travels in the
location -- where links of other tools usually arrive too.
location -- where links of other tools usually arrive too. When the location holds a place
("Room 4"), the link goes in a last "Video call: <link>" paragraph of the description instead,
and reading the event back takes that paragraph off again: a round trip through the calendar
returns the description as typed, never with one more copy of the line per edit (issue 8).
"""
import re

VIDEO_CALL = 'Video call: '
# The paragraph place_video_link adds: last in the description, a single http(s) address.
_TRAILER = re.compile(r'(?:\A|\n\n)Video call: (https?://\S+)\s*\Z')


def place_video_link(event):
    """(location, description) of a NewEvent with its video link placed."""
    if not event.video_link:
        return event.location, event.description
    if not event.location:
        return event.video_link, event.description
    description, _ = split_video_link(event.description)
    return event.location, f'{description}\n\n{VIDEO_CALL}{event.video_link}'.strip()


def split_video_link(description):
    """(description without its "Video call" paragraph, that paragraph's link or '').

    Every copy an earlier, duplicating round trip left at the end is taken off too."""
    description = description or ''
    link = ''
    while True:
        found = _TRAILER.search(description)
        if found is None:
            return description.rstrip() if link else description, link
        link = link or found.group(1)
        description = description[:found.start()]


def link_in_location(location):
    """The location if it is just a web address, else ''."""
    location = (location or '').strip()
    return location if location.startswith(('https://', 'http://')) and ' ' not in location else ''


def http_url(value):
    """The URL if it is http(s), else '': a calendar event could carry a javascript: link."""
    return value if isinstance(value, str) and value.lower().startswith(('http://', 'https://')) else ''
