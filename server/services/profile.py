"""The user's own profile: name, time zone and language (B5, issue 9 §1).

A time zone is an IANA name that ``zoneinfo`` knows. It comes from the connected calendar on
every full sync (``adopt_calendar_time_zone``) until the user picks one themself
(``update``): from then on ``time_zone_source`` is 'user' and syncs leave it alone, because a
rep travelling with a laptop set to another zone must not have every sync undo their choice.
"""
import functools
import zoneinfo

from server.db import write_transaction
from server.errors import ValidationFailed
from server.models import User
from server.services import signup_rules

LANGUAGES = ('en', 'zh-TW')
NAME_MAX = 200


@functools.lru_cache(maxsize=1)
def zone_names():
    """Every IANA name this server's tz database knows, sorted (the profile page lists them)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def is_zone(name):
    """True if ``name`` is an IANA zone zoneinfo can load (never a path or a Windows name)."""
    return isinstance(name, str) and name in zone_names()


def adopt_calendar_time_zone(user_id, name):
    """Take the calendar's zone unless the user chose one; True if the row changed.

    One conditional UPDATE: a user saving their profile meanwhile wins, whichever commits
    first."""
    if not is_zone(name):
        return False
    return (User.update(time_zone=name)
            .where(User.id == user_id, User.time_zone_source == 'calendar',
                   User.time_zone != name)
            .execute()) == 1


def update(user, data):
    """Change the caller's name, time zone and/or language; every field checked before any
    is written. Returns the refreshed user."""
    errors, fields = {}, {}
    if 'name' in data:
        name = (data['name'] or '').strip()
        if len(name) > NAME_MAX:
            errors['name'] = [signup_rules.at_most_characters(NAME_MAX)]
        fields['name'] = name
    if 'time_zone' in data:
        zone = (data['time_zone'] or '').strip()
        if not is_zone(zone):
            errors['time_zone'] = [f'Unknown time zone "{zone}": pick an IANA name such as '
                                   'America/New_York or Europe/Berlin.']
        fields.update(time_zone=zone, time_zone_source='user')
    if 'language' in data:
        if data['language'] not in LANGUAGES:
            errors['language'] = ['Pick one of: ' + ', '.join(LANGUAGES) + '.']
        fields['language'] = data['language']
    if errors:
        raise ValidationFailed('Check the highlighted fields.', errors)
    if fields:
        with write_transaction():
            User.update(**fields).where(User.id == user.id).execute()
    return User.get_by_id(user.id)
