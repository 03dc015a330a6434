"""Issue 13 §1 "Settings › Account" (admins; members get 403): the account's name and domains
(validated, no repeats; R12 for future syncs, and the page says so), members with role, last
sign-in and calendar, role changes keeping one admin, and removing a member (sessions ended,
tokens revoked, calendar disconnected, their meetings and notes kept)."""
import pytest

from server.db import db
from server.models import Account, ApiToken, CalendarConnection, Meeting, Note, User
from server.services import tokens
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake
from tests.web.conftest import Browser, add_note, at, make_user, schedule

PAGE = '/settings/account'


def account_of(user):
    with db.connection_context():
        return Account.get_by_id(user.account_id)


def save(browser, **fields):
    data = {'name': 'Acme', 'website_domain': 'acme.example', 'connected_domains': ''}
    data.update(fields)
    return browser.post(PAGE, data=data)


def test_issue13_admin_sees_the_account_members_and_the_meeting_types_link(browser, rep):
    member = make_user('sam@acme.example', 'Acme', name='Sam Member')
    with db.connection_context():
        CalendarConnection.create(account=rep.account_id, user=rep, provider='google',
                                  provider_email=rep.email, status='connected')
    page = browser.get(PAGE).get_data(as_text=True)
    assert 'value="Acme"' in page and 'value="acme.example"' in page
    assert f'data-member="{member.email}"' in page and f'data-member="{rep.email}"' in page
    assert 'data-calendar="connected"' in page and 'data-calendar="not_connected"' in page
    assert 'href="/settings/meeting-types"' in page and 'Never' in page
    assert 'href="/settings/account"' in browser.get('/settings/profile').get_data(as_text=True)


def test_issue13_members_get_403_on_every_account_action(client, rep):
    member = make_user('sam@acme.example', 'Acme')
    other = Browser(client, member)
    assert 'href="/settings/account"' not in other.get('/settings/profile').get_data(as_text=True)
    for method, path in (('get', PAGE), ('post', PAGE), ('post', '/settings/account/invites'),
                         ('post', f'/settings/account/members/{rep.id}/role'),
                         ('post', f'/settings/account/members/{rep.id}/remove')):
        response = getattr(other, method)(path, data={'role': 'member', 'name': 'X'}) \
            if method == 'post' else other.get(path)
        assert response.status_code == 403, (method, path)
    with db.connection_context():
        assert User.get_by_id(rep.id).role == 'admin' and Account.get_by_id(rep.account_id).name == 'Acme'


def test_issue13_r12_saving_domains_normalises_them_and_says_future_syncs_use_them(browser, rep):
    response = save(browser, name='Acme Corp', website_domain='https://www.Acme.example/about',
                    connected_domains='acme-mail.example\nACME.io, acme.dev')
    assert response.status_code == 303
    account = account_of(rep)
    assert (account.name, account.website_domain, account.domains) == (
        'Acme Corp', 'acme.example', ['acme.example', 'acme-mail.example', 'acme.io', 'acme.dev'])
    page = browser.get(PAGE).get_data(as_text=True)
    assert 'The next calendar syncs use these domains' in page and 'R12' in page
    assert 'acme-mail.example\nacme.io\nacme.dev' in page


def test_issue13_bad_and_repeated_domains_are_field_errors_and_nothing_is_saved(browser, rep):
    bad = save(browser, connected_domains='acme-mail.example\nnot a domain')
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'not a domain:' in page and 'aria-invalid="true"' in page
    repeated = save(browser, connected_domains='acme-mail.example\nAcme-Mail.example\nacme.example')
    assert repeated.status_code == 422
    text = repeated.get_data(as_text=True)
    assert 'acme-mail.example is listed twice' in text and 'acme.example is listed twice' in text
    empty = save(browser, name='  ')
    assert empty.status_code == 422
    assert account_of(rep).connected_domains == '' and account_of(rep).domains_checked_at is None


def test_issue13_r12_a_changed_domain_applies_to_the_next_sync(app, google_fake, browser, rep):
    """An attendee at a domain the admin just added is a colleague from the next sync on: an
    event with only such attendees creates no meeting (R12); what was logged before stays."""
    from server import tasks
    from server.models import Contact
    app.config.update(google_fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    google_fake.push_sink = lambda url, headers, body: None
    with db.connection_context():
        Contact.create(account=rep.account_id, email='lee@acme-mail.example')
    connect_to_fake(google_fake, 'google', rep, app.config)
    google_fake.store.add_event(rep.email, 'Before', attendees=['lee@acme-mail.example'])
    with app.app_context():
        tasks.sync_user(rep.id)
    assert save(browser, connected_domains='acme-mail.example').status_code == 303
    google_fake.store.add_event(rep.email, 'After', attendees=['lee@acme-mail.example'])
    with app.app_context():
        tasks.sync_user(rep.id)
    with db.connection_context():
        assert [m.title for m in Meeting.select().order_by(Meeting.id)] == ['Before']


def test_issue13_role_change_and_the_last_admin_stays(browser, rep):
    member = make_user('sam@acme.example', 'Acme')
    assert browser.post(f'/settings/account/members/{member.id}/role',
                        data={'role': 'admin'}).status_code == 303
    with db.connection_context():
        assert User.get_by_id(member.id).role == 'admin'
    assert browser.post(f'/settings/account/members/{member.id}/role',
                        data={'role': 'member'}).status_code == 303
    response = browser.post(f'/settings/account/members/{rep.id}/role', data={'role': 'member'})
    assert response.status_code == 303
    assert 'keeps at least one admin' in browser.get(PAGE).get_data(as_text=True)
    refused = browser.post(f'/settings/account/members/{rep.id}/remove')
    assert refused.status_code == 303
    with db.connection_context():
        assert User.get_by_id(rep.id).role == 'admin' and User.get_by_id(rep.id).is_active
    bad = browser.post(f'/settings/account/members/{member.id}/role', data={'role': 'owner'})
    assert bad.status_code == 303 and 'Pick admin or member.' in browser.get(PAGE).get_data(as_text=True)


def test_issue13_removing_a_member_ends_sessions_revokes_tokens_disconnects_and_keeps_meetings(
        app, client, google_fake, browser, rep):
    app.config.update(google_fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    member = make_user('sam@acme.example', 'Acme', name='Sam Member')
    theirs = Browser(app.test_client(), member)
    assert theirs.get('/').status_code == 200
    with db.connection_context():
        _, token = tokens.issue(member, name='Chrome extension')
    meeting = schedule(member, 'Sam and Pat', at(1), attendees=['pat@globex.example'])
    note = add_note(member, meeting, 'Pat wants SSO')
    connect_to_fake(google_fake, 'google', member, app.config)
    response = browser.post(f'/settings/account/members/{member.id}/remove')
    assert response.status_code == 303
    assert 'Sam Member is removed' in browser.get(PAGE).get_data(as_text=True)
    assert 'data-member="sam@acme.example"' not in browser.get(PAGE).get_data(as_text=True)
    assert theirs.get('/').status_code == 302  # signed out
    assert client.get('/api/v1/me', headers={'Authorization': f'Bearer {token}'}).status_code == 401
    assert google_fake.revoked == [member.email]
    with db.connection_context():
        assert CalendarConnection.get(CalendarConnection.user == member.id).status == 'disconnected'
        assert ApiToken.get(ApiToken.user == member.id).revoked_at is not None
        assert Meeting.get_by_id(meeting.id).user_id == member.id
        assert Note.get_by_id(note.id).author_id == member.id
        assert not User.get_by_id(member.id).is_active
    # A removed member's address is still not another account's to take.
    with db.connection_context():
        assert User.select().where(User.email == member.email).count() == 1


@pytest.mark.parametrize('path', ['/settings/account/members/999999/role',
                                  '/settings/account/members/999999/remove',
                                  '/settings/account/invites/999999/resend',
                                  '/settings/account/invites/999999/revoke',
                                  '/settings/account/members/99999999999/remove'])
def test_issue13_unknown_ids_are_404(browser, path):
    assert browser.post(path, data={'role': 'admin'}).status_code == 404


def test_issue13_the_members_page_is_a_constant_number_of_statements(app, browser, rep):
    """Settings › Account lists members, their calendars and invites in the same number of SQL
    statements for 2 members as for 22."""
    from playhouse.test_utils import count_queries
    from server.services import invites

    def page_statements():
        with count_queries() as counted:
            assert browser.get(PAGE).status_code == 200
        return counted.count

    make_user('m0@acme.example', 'Acme')
    with db.connection_context():
        invites.create(rep, {'email': 'i0@hire.example', 'role': 'member'})
    few = page_statements()
    for n in range(1, 21):
        member = make_user(f'm{n}@acme.example', 'Acme')
        with db.connection_context():
            CalendarConnection.create(account=rep.account_id, user=member, provider='google',
                                      status='connected')
            invites.create(rep, {'email': f'i{n}@hire.example', 'role': 'member'})
    many = page_statements()
    print(f"Settings › Account: {few} SQL statements for 2 members, {many} for 22")
    assert many == few
