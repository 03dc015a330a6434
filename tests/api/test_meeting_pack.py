"""GET /meetings/pack (issue 9 §4, B2 extended): today's and tomorrow's meetings in the user's
zone, their attendees and the attendees' contact cards, in one request and a constant number
of SQL statements, for the panel to keep for an outage."""
import datetime

from playhouse.test_utils import count_queries

from server.db import db
from server.models import Company, Contact, Meeting, User, utcnow
from server.services import meeting_pack

HOUR = datetime.timedelta(hours=1)


def _meeting(caller, title, start, emails):
    """A meeting (scheduled through the API) moved to ``start`` (naive UTC), an hour long."""
    later = (utcnow() + datetime.timedelta(days=7)).replace(microsecond=0).isoformat() + 'Z'
    end = (utcnow() + datetime.timedelta(days=7, hours=1)).replace(microsecond=0).isoformat() + 'Z'
    response = caller.post('/meetings', json={
        'title': title, 'start': later, 'end': end,
        'attendees': [{'email': e} for e in emails]})
    assert response.status_code == 201, response.json
    with db.connection_context():
        Meeting.update(start=start, end=start + HOUR).where(Meeting.id == response.json['id']).execute()
    return response.json['id']


def _contacts(caller, n, prefix='buyer'):
    with db.connection_context():
        company = Company.create(account=caller.user.account_id, name='Client Co')
        owner = User.get_by_id(caller.user.id)
        return [Contact.create(account=caller.user.account_id, email=f'{prefix}{i}@client.com',
                               first_name='Bea', last_name=f'Buyer{i}', company=company,
                               job_title='CFO', owner=owner, phone='+1 555 0100')
                for i in range(n)]


def _today_and_tomorrow(caller):
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
    start, end = meeting_pack.window(user)
    return start, end


def test_pack_has_today_and_tomorrow_with_attendees_and_contact_cards(caller):
    """Issue 9 §4: the pack names each packed meeting's attendees and their contact cards
    (with the owner's name), and leaves out yesterday and the day after tomorrow."""
    _contacts(caller, 2)
    start, end = _today_and_tomorrow(caller)
    emails = ['buyer0@client.com', 'buyer1@client.com', 'stranger@else.com']
    today_id = _meeting(caller, 'Today', start + HOUR, emails)
    tomorrow_id = _meeting(caller, 'Tomorrow', end - 2 * HOUR, emails[:1])
    _meeting(caller, 'Yesterday', start - 3 * HOUR, emails)
    _meeting(caller, 'Later', end + HOUR, emails)
    response = caller.get('/meetings/pack')
    assert response.status_code == 200, response.json
    pack = response.json
    assert [m['id'] for m in pack['meetings']] == [today_id, tomorrow_id]
    first = pack['meetings'][0]
    assert [a['email'] for a in first['attendees']] == emails
    assert first['attendees'][2]['contact'] is None
    cards = {c['email']: c for c in pack['contacts']}
    assert sorted(cards) == emails[:2]
    card = cards['buyer0@client.com']
    assert card['company'] == 'Client Co' and card['phone'] == '+1 555 0100'
    assert card['owner'] == {'id': caller.user.id, 'name': caller.user.name, 'email': caller.user.email}
    assert pack['generated_at'].endswith('Z') and pack['from'] < pack['to']


def test_pack_window_follows_the_user_zone():
    """'Today' is the user's: at 23:30 UTC a user in Asia/Taipei (UTC+8) is already tomorrow."""
    user = User(time_zone='Asia/Taipei')
    now = datetime.datetime(2030, 1, 1, 23, 30)  # passed explicitly: a fact about zones
    start, end = meeting_pack.window(user, now)
    assert start == datetime.datetime(2030, 1, 1, 16, 0)  # Jan 2 00:00 in Taipei
    assert end == datetime.datetime(2030, 1, 3, 16, 0)
    assert meeting_pack.window(User(time_zone='Not/AZone'), now)[0] == datetime.datetime(2030, 1, 1)


def test_pack_costs_a_constant_number_of_statements(caller):
    """Issue 9 §4: one request, a constant number of SQL statements, however many meetings,
    attendees and contacts (no N+1)."""
    contacts = _contacts(caller, 12)
    start, _ = _today_and_tomorrow(caller)
    _meeting(caller, 'One', start + HOUR, [contacts[0].email])
    with count_queries() as few:
        assert len(caller.get('/meetings/pack').json['contacts']) == 1
    for i in range(1, 6):
        _meeting(caller, f'More {i}', start + i * HOUR, [c.email for c in contacts[2 * i:2 * i + 2]] + ['x@else.com'])
    with count_queries() as many:
        pack = caller.get('/meetings/pack').json
    assert len(pack['meetings']) == 6 and len(pack['contacts']) == 11
    print(f'\nissue 9 pack: {many.count} SQL statements per request (1 or 6 meetings)')
    assert many.count == few.count <= 8, (few.count, many.count)


def test_pack_is_bounded(caller, monkeypatch):
    """Issue 9 §4: the stored pack is bounded (MAX_MEETINGS meetings, MAX_CONTACTS cards)."""
    monkeypatch.setattr(meeting_pack, 'MAX_MEETINGS', 2)
    monkeypatch.setattr(meeting_pack, 'MAX_CONTACTS', 1)
    contacts = _contacts(caller, 3)
    start, _ = _today_and_tomorrow(caller)
    for i in range(3):
        _meeting(caller, f'M{i}', start + i * HOUR, [c.email for c in contacts])
    pack = caller.get('/meetings/pack').json
    assert len(pack['meetings']) == 2 and len(pack['contacts']) == 1


def test_pack_at_its_bound_stays_small(caller):
    """Issue 9 §4: a full pack (MAX_MEETINGS meetings of 20 attendees, 10 of them contacts)
    stays well under 1 MB in chrome.storage.local (printed)."""
    contacts = _contacts(caller, 10)
    start, _ = _today_and_tomorrow(caller)
    emails = [c.email for c in contacts] + [f'guest{i}@else.com' for i in range(10)]
    for i in range(meeting_pack.MAX_MEETINGS + 1):
        _meeting(caller, f'Weekly pipeline review {i}', start + i * datetime.timedelta(minutes=20), emails)
    response = caller.get('/meetings/pack')
    size = len(response.get_data())
    print(f'\nissue 9 pack: {len(response.json["meetings"])} meetings x 20 attendees, '
          f'{len(response.json["contacts"])} cards = {size / 1024:.0f} KB')
    assert len(response.json['meetings']) == meeting_pack.MAX_MEETINGS
    assert size < 1024 * 1024
