"""GET /meetings is served from the process's cache only while nothing it shows has changed.

The versions that decide it are moved by database triggers (migration 0010), so these tests
change the data with plain SQL, behind every service's back: whatever writes (a service, the
sync engine's bulk statements, a cascade, someone at a SQL prompt), the next page is current.
"""
import pytest
from playhouse.test_utils import count_queries

from server.db import db
from server.models import Company, Contact, Meeting, MeetingAttendee, User
from server.services import meeting_listing
from tests.clock import iso_ahead
from tests.conftest import make_app


@pytest.fixture
def listed(caller):
    """A meeting with a matched contact (at a company), a stranger and a colleague."""
    with db.connection_context():
        company = Company.create(account=caller.user.account_id, name='Client Co')
        Contact.create(account=caller.user.account_id, email='bea@client.com', first_name='Bea',
                       company=company, job_title='CFO')
    for day in (1, 2):
        assert caller.post('/meetings', json={
            'title': f'Call {day}', 'start': iso_ahead(days=day, hour=10),
            'end': iso_ahead(days=day, hour=11),
            'attendees': [{'email': 'bea@client.com'}, {'email': 'sam@stranger.com'},
                          {'email': 'kim@acme.com'}]}).status_code == 201
    return caller


def _served(caller):
    response = caller.get('/meetings')
    assert response.status_code == 200
    return response.json


def _fresh(caller):
    """The page built from the database now, bypassing every cache."""
    with db.connection_context():
        return meeting_listing.page_for_user(User.get_by_id(caller.user.id))


def _ids(caller):
    with db.connection_context():
        meeting = Meeting.select().where(Meeting.title == 'Call 1').get()
        attendee = MeetingAttendee.get(MeetingAttendee.meeting == meeting,
                                       MeetingAttendee.email == 'sam@stranger.com')
        contact = Contact.get(Contact.email == 'bea@client.com')
        return {'meeting': meeting.id, 'attendee': attendee.id, 'contact': contact.id,
                'company': contact.company_id, 'user': caller.user.id,
                'account': caller.user.account_id}


def test_an_unchanged_page_is_served_without_its_queries(listed):
    first = _served(listed)
    with count_queries() as again:
        assert _served(listed) == first
    assert again.count == 1  # the token check, which brings the versions along


CHANGES = {
    'meeting renamed': 'UPDATE meeting SET title = \'Renamed\' WHERE id = {meeting}',
    'meeting added': ('INSERT INTO meeting (account_id, user_id, title, start, "end", '
                      'description, location, video_link, calendar_link, calendar_provider, '
                      'organizer_email, status, source, frozen, created_at, updated_at) '
                      'SELECT account_id, user_id, \'Added\', start, "end", description, '
                      'location, video_link, calendar_link, calendar_provider, '
                      'organizer_email, status, source, frozen, created_at, updated_at '
                      'FROM meeting WHERE id = {meeting}'),
    'meeting deleted': 'DELETE FROM meeting WHERE id = {meeting}',
    'attendee renamed': 'UPDATE meeting_attendee SET display_name = \'Sam S.\' WHERE id = {attendee}',
    'attendee added': ('INSERT INTO meeting_attendee (meeting_id, account_id, email, display_name, '
                       'response_status, is_organizer, position) VALUES ({meeting}, {account}, '
                       '\'new@else.com\', \'\', \'needsAction\', FALSE, 9)'),
    'attendee removed': 'DELETE FROM meeting_attendee WHERE id = {attendee}',
    'contact renamed': 'UPDATE contact SET first_name = \'Beatrice\' WHERE id = {contact}',
    'contact deleted': 'DELETE FROM contact WHERE id = {contact}',
    'company renamed': 'UPDATE company SET name = \'Client Inc\' WHERE id = {company}',
    'colleague joined': ('INSERT INTO "user" (account_id, email, name, role, password_hash, '
                         'time_zone, is_active, created_at) VALUES ({account}, '
                         '\'sam@stranger.com\', \'Sam\', \'member\', \'\', \'UTC\', TRUE, '
                         'CURRENT_TIMESTAMP)'),
    'domain connected': 'UPDATE account SET connected_domains = \'stranger.com\' WHERE id = {account}',
}


@pytest.mark.parametrize('change', list(CHANGES))
def test_r16_r17_r12_any_change_a_page_shows_is_served_at_once(listed, change):
    before = _served(listed)
    _served(listed)  # now cached
    with db.connection_context():
        db.execute_sql(CHANGES[change].format(**_ids(listed)))
    after = _served(listed)
    assert after == _fresh(listed)
    assert after != before, change


def test_changes_to_other_data_keep_the_page(listed, make_caller):
    """A note, another user's meeting, a sign-in: nothing the page shows, so it stays cached."""
    other = make_caller('lee@acme.com', account='Acme')
    first = _served(listed)
    ids = _ids(listed)
    assert listed.post(f"/meetings/{ids['meeting']}/notes", json={'body': 'hi'}).status_code == 201
    assert other.post('/meetings', json={'title': 'Theirs', 'start': iso_ahead(days=3, hour=10),
                                         'end': iso_ahead(days=3, hour=11)}).status_code == 201
    with db.connection_context():
        db.execute_sql(f"UPDATE \"user\" SET name = 'Rita R.' WHERE id = {ids['user']}")
    with count_queries() as again:
        assert _served(listed) == first
    assert again.count == 1


def test_no_cache_when_its_budget_is_zero(listed):
    listed.client.application = app = make_app(MEETINGS_CACHE_MB=0)
    listed.client = app.test_client()
    first = _served(listed)
    with count_queries() as again:
        assert _served(listed) == first
    assert again.count > 1


def test_pages_beyond_the_budget_are_built_not_kept(listed):
    """The cache holds at most its budget in bytes; a page larger than all of it is served
    built, never an error."""
    cache = meeting_listing.MeetingListCache(budget=100)
    with db.connection_context():
        user = User.get_by_id(listed.user.id)
        body = cache.body(user)
        assert len(body) > 100 and cache.body(user) == body
        assert body.decode().count('"title"') == 2


def test_r16_an_unchanged_list_is_a_304_to_a_browser_that_has_it(listed, make_caller):
    """The panel's browser revalidates its copy (If-None-Match): a 304 from any worker, before
    any page is built or looked up; any change the page shows gives a new tag and the page."""
    first = listed.get('/meetings')
    tag = first.headers['ETag']
    assert first.headers['Cache-Control'] == 'private, no-cache'
    with count_queries() as counted:
        again = listed.get('/meetings', headers={'If-None-Match': tag})
    assert (again.status_code, again.data, again.headers['ETag']) == (304, b'', tag)
    assert counted.count == 1  # the token check alone
    # Other arguments, or another user with the same tag, get their own page.
    assert listed.get('/meetings?limit=1', headers={'If-None-Match': tag}).status_code == 200
    other = make_caller('lee@acme.com', account='Acme')
    assert other.get('/meetings', headers={'If-None-Match': tag}).status_code == 200
    with db.connection_context():
        db.execute_sql(CHANGES['contact renamed'].format(**_ids(listed)))
    changed = listed.get('/meetings', headers={'If-None-Match': tag})
    assert changed.status_code == 200 and changed.headers['ETag'] != tag
    assert changed.json == _fresh(listed)


def test_a_new_user_given_a_deleted_users_id_never_gets_its_tag_or_page(listed):
    """SQLite may reuse the id of the newest row once it is deleted; the new user's versions
    then count from where the old user's began, so the user's creation time is in the key."""
    import datetime
    with db.connection_context():
        user = User.get_by_id(listed.user.id)
        tag = meeting_listing.entity_tag(user)
        cache = meeting_listing.MeetingListCache(budget=1 << 20)
        page = cache.body(user)
        successor = User.get_by_id(listed.user.id)
        successor.created_at += datetime.timedelta(seconds=1)
        assert meeting_listing.entity_tag(successor) != tag
        Meeting.delete().execute()  # what the successor has: no meetings
        successor.meetings_version = user.meetings_version  # counted through to the same value
        assert cache.body(successor) != page
