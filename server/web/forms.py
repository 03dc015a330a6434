"""Turn the web forms into the API's input data, and schema errors into field messages."""
import datetime
import re
import zoneinfo

from marshmallow import ValidationError

from server.schemas.meetings import MeetingInSchema
from server.schemas.notes import NoteInSchema
from server.translatable import N_, Sentence

SCHEDULE_FIELDS = ('title', 'start', 'end', 'description', 'attendees', 'video_link')
LOCAL_INPUT_FORMAT = '%Y-%m-%dT%H:%M'
_EMAIL_SEPARATORS = re.compile(r'[\s,;]+')
_FRIENDLIER = {'Missing data for required field.': N_('This field is required.')}
# marshmallow's own messages a form shows, for the catalogue (the field_errors macro translates).
SCHEMA_MESSAGES = (N_('Not a valid URL.'), N_('Not a valid email address.'),
                   N_('Not a valid datetime.'), N_('Field may not be null.'),
                   N_('Invalid input type.'), N_('Not a valid string.'))


def user_zone(user):
    """The user's time zone (User.time_zone), UTC when unset or unknown."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, 'time_zone', None) or 'UTC')
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.timezone.utc


def to_local(value, zone):
    """A naive-UTC datetime as an aware datetime in ``zone``."""
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(zone)


def local_input_to_utc(value, zone):
    """A datetime-local value ('2026-11-27T10:00') read in ``zone`` -> ISO 8601 UTC, or None."""
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat() + 'Z'


def split_emails(text):
    """Comma, semicolon or newline separated e-mails, each once (case-insensitively), in order."""
    seen, emails = set(), []
    for email in _EMAIL_SEPARATORS.split(text or ''):
        if email and email.lower() not in seen:
            seen.add(email.lower())
            emails.append(email)
    return emails


def default_schedule_form(zone, now, attendees=''):
    """The schedule form's first values: the next full hour, for 30 minutes."""
    start = to_local(now, zone).replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    end = start + datetime.timedelta(minutes=30)
    return {'title': '', 'description': '', 'video_link': '', 'attendees': attendees,
            'start': start.strftime(LOCAL_INPUT_FORMAT), 'end': end.strftime(LOCAL_INPUT_FORMAT)}


# marshmallow's messages with a number in them, said again in the page's language. (Our own
# services' sentences with a value in them are Sentences, translated from their template.)
_WITH_A_LENGTH = ((re.compile(r'Longer than maximum length (\d+)\.$'),
                   N_('Longer than maximum length %(length)s.')),
                  (re.compile(r'Shorter than minimum length (\d+)\.$'),
                   N_('Shorter than minimum length %(length)s.')))


def translated(problem):
    """A schema's message (English) in the page's language, when the catalogue has it."""
    from flask_babel import gettext
    if isinstance(problem, Sentence):
        # The values too: a record kind's label is a catalogue word; an e-mail stays as it is.
        return gettext(problem.template, **{
            name: gettext(value) if isinstance(value, str) else value
            for name, value in problem.values.items()})
    for pattern, message in _WITH_A_LENGTH:
        found = pattern.match(problem)
        if found:
            return gettext(message, length=found.group(1))
    return gettext(_FRIENDLIER.get(problem, problem))


def translated_errors(errors):
    """A service's {field: [English message]} in the page's language (the API keeps English)."""
    return {field: [translated(p) if isinstance(p, str) else p for p in
                    (problems if isinstance(problems, list) else [problems])]
            for field, problems in (errors or {}).items()}


def _messages(problems):
    problems = problems if isinstance(problems, list) else [problems]
    return [translated(p) for p in problems if isinstance(p, str)]


def _field_errors(messages, attendees):
    """Flatten marshmallow's messages into {form field: [text]}."""
    errors = {}
    for field, problems in messages.items():
        if field == 'attendees' and isinstance(problems, dict):
            for index, nested in sorted(problems.items(), key=lambda item: str(item[0])):
                email = attendees[index]['email'] if isinstance(index, int) and index < len(attendees) else ''
                for text in _messages(sum(nested.values(), []) if isinstance(nested, dict) else nested):
                    errors.setdefault('attendees', []).append(f'{email}: {text}' if email else text)
        elif field in SCHEDULE_FIELDS:
            errors.setdefault(field, []).extend(_messages(problems))
        else:
            errors.setdefault('_form', []).extend(_messages(problems))
    return errors


def load_schedule_form(form, zone, association):
    """Validate the schedule form with the API's MeetingInSchema; return (data, errors).

    ``association`` is e.g. {'contact_ids': [7]}: the record whose page the form is on.
    """
    values = {name: (form.get(name) or '') for name in SCHEDULE_FIELDS}
    attendees = [{'email': email} for email in split_emails(values['attendees'])]
    raw = {'description': values['description'], 'video_link': values['video_link'].strip(),
           'attendees': attendees, **association}
    if values['title'].strip():  # a blank title is a missing one: "This field is required."
        raw['title'] = values['title'].strip()
    unreadable = {}
    for name in ('start', 'end'):
        if values[name].strip():
            converted = local_input_to_utc(values[name], zone)
            if converted is None:
                unreadable[name] = [N_('Enter a date and time.')]
            else:
                raw[name] = converted
    try:
        data = MeetingInSchema().load(raw)
    except ValidationError as error:
        return None, {**_field_errors(error.messages, attendees), **unreadable}
    if unreadable:
        return None, unreadable
    return data, {}


def service_errors(error):
    """A service's ValidationFailed as {form field: [text]} ('_form' for the rest)."""
    errors = {}
    for field, problems in (error.errors or {}).items():
        errors.setdefault(field if field in SCHEDULE_FIELDS else '_form', []).extend(problems)
    return errors or {'_form': [error.message]}


def load_note_form(form):
    """Validate the note form with the API's NoteInSchema; return (body, errors)."""
    try:
        data = NoteInSchema().load({'body': (form.get('body') or '').strip()})
    except ValidationError as error:
        return None, {field: _messages(problems) for field, problems in error.messages.items()}
    return data['body'], {}
