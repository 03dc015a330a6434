"""Where a CRM meeting's video link goes in a provider event, and how it is found again.

Neither Google nor Graph lets a client attach an arbitrary video link as conference data
(that needs a conferencing add-on or creates a Teams meeting), so the link travels in the
location -- where links of other tools usually arrive too.
"""


def place_video_link(event):
    """(location, description) of a NewEvent with its video link placed."""
    if not event.video_link:
        return event.location, event.description
    if not event.location:
        return event.video_link, event.description
    return event.location, f'{event.description}\n\nVideo call: {event.video_link}'.strip()


def link_in_location(location):
    """The location if it is just a web address, else ''."""
    location = (location or '').strip()
    return location if location.startswith(('https://', 'http://')) and ' ' not in location else ''


def http_url(value):
    """The URL if it is http(s), else '': a calendar event could carry a javascript: link."""
    return value if isinstance(value, str) and value.lower().startswith(('http://', 'https://')) else ''
