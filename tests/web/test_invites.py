"""Issue 13 §1 "Invites": an admin invites by e-mail with a role; the mailed link (single-use,
7 days, revocable, its token only in the fragment and hashed at rest) lets the invitee set a
name and password and join. Mails arrive at a real SMTP server (aiosmtpd)."""
import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from server.db import db
from server.models import Invite, Meeting, Note, User
from server.services import invites, link_tokens
from tests.clock import DAY
from tests.fakes.smtp import link_in, text_of
from tests.web.conftest import Browser, add_note, at, make_user, schedule

PATH = '/invite'


def _csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def invite(browser, email='sam@newhire.example', role='member'):
    return browser.post('/settings/account/invites', data={'email': email, 'role': role})


def mailed_token(mailbox, index=0):
    message = mailbox.wait(index + 1)[index]
    url = urlsplit(link_in(message, PATH))
    assert url.path == PATH and not url.query  # the token rides in the fragment only
    return parse_qs(url.fragment)['token'][0], message


def open_invite(client, token):
    """As a browser: GET the page, then (link-token.js) post the fragment's token."""
    page = client.get(PATH)
    assert page.status_code == 200 and page.headers['Cache-Control'] == 'no-store'
    return client.post(PATH, data={'csrf_token': _csrf(page), 'token': token})


def accept(client, token, name='Sam Newhire', password='a good password', confirm=None):
    form = open_invite(client, token)
    if form.status_code != 200:
        return form
    return client.post(PATH, data={'csrf_token': _csrf(form), 'token': token, 'step': 'accept',
                                   'name': name, 'password': password,
                                   'confirm': password if confirm is None else confirm})


def test_issue13_invite_mail_link_joins_the_account_with_the_role(browser, mailbox, app, rep):
    response = invite(browser, 'Sam@NewHire.example', 'admin')
    assert response.status_code == 303
    assert 'Invite sent to sam@newhire.example' in browser.get('/settings/account').get_data(as_text=True)
    token, message = mailed_token(mailbox)
    assert message['To'] == 'sam@newhire.example' and 'Acme' in message['Subject']
    assert 'as an admin' in text_of(message) and 'Accept the invite' in text_of(message, 'html')
    with db.connection_context():
        stored = Invite.get()
    assert stored.token_hash == link_tokens.digest(token) and token not in str(stored.__data__)
    fresh = app.test_client()
    page = open_invite(fresh, token)
    assert 'Join Acme on Meetside' in page.get_data(as_text=True)
    response = accept(fresh, token)
    assert response.status_code == 303 and response.headers['Location'] == '/'
    with db.connection_context():
        sam = User.get(User.email == 'sam@newhire.example')
        assert Invite.get().accepted_user_id == sam.id
    assert (sam.account_id, sam.role, sam.name) == (rep.account_id, 'admin', 'Sam Newhire')
    with fresh.session_transaction() as session:
        assert session['user_id'] == sam.id
    # Single use: the same link again is refused, from any browser.
    again = accept(app.test_client(), token)
    assert again.status_code == 303 and again.headers['Location'] == '/sign-in'


def test_issue13_opening_the_invite_spends_nothing_and_the_accept_needs_csrf(browser, mailbox, app):
    invite(browser)
    token, _ = mailed_token(mailbox)
    fresh = app.test_client()
    for _ in range(3):
        assert open_invite(fresh, token).status_code == 200
    assert fresh.head(PATH).status_code == 200
    forged = fresh.post(PATH, data={'token': token, 'step': 'accept', 'name': 'Eve',
                                    'password': 'a good password', 'confirm': 'a good password'})
    assert forged.status_code == 400
    with db.connection_context():
        assert not User.select().where(User.email == 'sam@newhire.example').exists()
    assert accept(fresh, token).status_code == 303


def test_issue13_invite_expires_after_7_days(browser, mailbox, app, clock):
    invite(browser)
    token, _ = mailed_token(mailbox)
    clock.shift(7 * DAY + datetime.timedelta(minutes=1))
    assert accept(app.test_client(), token).headers['Location'] == '/sign-in'
    with db.connection_context():
        assert not User.select().where(User.email == 'sam@newhire.example').exists()


def test_issue13_revoked_invite_stops_working_and_resend_replaces_the_link(browser, mailbox, app):
    invite(browser)
    first, _ = mailed_token(mailbox)
    with db.connection_context():
        invite_id = Invite.get().id
    assert browser.post(f'/settings/account/invites/{invite_id}/resend').status_code == 303
    second, _ = mailed_token(mailbox, 1)
    assert first != second
    assert accept(app.test_client(), first).headers['Location'] == '/sign-in'
    assert browser.post(f'/settings/account/invites/{invite_id}/revoke').status_code == 303
    assert accept(app.test_client(), second).headers['Location'] == '/sign-in'
    page = browser.get('/settings/account').get_data(as_text=True)
    assert 'data-invite="sam@newhire.example"' not in page


def test_issue13_an_email_of_another_account_is_refused_clearly(browser, mailbox, rep):
    make_user('eve@globex.example', 'Globex')
    response = invite(browser, 'eve@globex.example')
    assert response.status_code == 409
    assert 'already uses Meetside in another account' in response.get_data(as_text=True)
    same = invite(browser, rep.email)
    assert same.status_code == 409 and 'already a member of this account' in same.get_data(as_text=True)
    with db.connection_context():
        assert Invite.select().count() == 0
    assert mailbox.messages == []


def test_issue13_an_invitee_who_joined_another_account_meanwhile_is_refused(browser, mailbox, app):
    invite(browser)
    token, _ = mailed_token(mailbox)
    make_user('sam@newhire.example', 'Globex')
    response = accept(app.test_client(), token)
    assert response.status_code == 409
    assert 'already uses Meetside in another account' in response.get_data(as_text=True)


def test_issue13_accept_form_field_errors(browser, mailbox, app):
    invite(browser)
    token, _ = mailed_token(mailbox)
    client = app.test_client()
    response = accept(client, token, name='', password='short')
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'This field is required.' in page and 'At least 8 characters.' in page
    response = accept(client, token, confirm='another password')
    assert response.status_code == 422 and 'The two passwords differ.' in response.get_data(as_text=True)
    assert accept(client, token).status_code == 303  # still unspent


def test_issue13_members_cannot_invite(client, rep, mailbox):
    member = make_user('sam@acme.example', 'Acme')
    response = invite(Browser(client, member), 'new@acme.example')
    assert response.status_code == 403
    with db.connection_context():
        assert Invite.select().count() == 0


def test_issue13_a_failed_send_keeps_the_invite_and_says_so(browser, app):
    from tests.fakes.smtp import free_port
    app.config.update(MAIL_SERVER='127.0.0.1', MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    assert invite(browser).status_code == 303
    assert 'could not be sent' in browser.get('/settings/account').get_data(as_text=True)
    with db.connection_context():
        assert Invite.select().count() == 1


def test_issue13_a_second_invite_to_the_same_email_replaces_the_first(rep, app):
    with db.connection_context():
        rep.role = 'admin'
        _, one = invites.create(rep, {'email': 'x@y.example', 'role': 'member'})
        second, two = invites.create(rep, {'email': 'x@y.example', 'role': 'admin'})
        assert invites.holder(one) is None and invites.holder(two).id == second.id
        assert [i.id for i in invites.pending(rep)] == [second.id]


@pytest.mark.parametrize('token', ['', 'x', 'a' * 5000, '\x00', 'é' * 40])
def test_issue13_a_bad_invite_token_is_refused_never_a_500(anonymous, token):
    response = anonymous.post(PATH, data={'token': token})
    assert response.status_code == 303 and response.headers['Location'] == '/sign-in'


def test_issue13_invite_still_works_on_day_6(browser, mailbox, app, clock):
    invite(browser)
    token, _ = mailed_token(mailbox)
    clock.shift(6 * DAY)
    assert accept(app.test_client(), token).headers['Location'] == '/'


def test_issue13_without_mail_server_the_invite_lands_in_the_outbox(browser, app, tmp_path):
    app.config.update(MAIL_SERVER='', MAIL_OUTBOX_DIR=str(tmp_path))
    assert invite(browser).status_code == 303
    [path] = tmp_path.glob('*.eml')
    text = path.read_text()
    assert 'To: sam@newhire.example' in text and '/invite#token=' in text


def test_issue13_a_removed_member_invited_back_is_restored_with_their_meetings(
        browser, mailbox, app, rep):
    """A removed member's address used to be refused ("ask support to restore them"), so an
    admin could not undo a removal. Invited back, they are the same user again: the meetings
    and notes they logged are theirs, with the new invite's role and the new password."""
    sam = make_user('sam@acme.example', 'Acme', name='Sam Member')
    meeting = schedule(sam, 'Sam and Pat', at(1), attendees=['pat@globex.example'])
    note = add_note(sam, meeting, 'Pat wants SSO')
    assert browser.post(f'/settings/account/members/{sam.id}/remove').status_code == 303
    assert invite(browser, 'sam@acme.example', 'admin').status_code == 303
    assert 'Invite sent to sam@acme.example' in browser.get('/settings/account').get_data(
        as_text=True)
    token, _ = mailed_token(mailbox)
    fresh = app.test_client()
    response = accept(fresh, token, name='Sam Returned', password='a new good password')
    assert response.status_code == 303 and response.headers['Location'] == '/'
    with db.connection_context():
        [back] = User.select().where(User.email == 'sam@acme.example')
        assert (back.id, back.is_active, back.role, back.name) == (sam.id, True, 'admin',
                                                                   'Sam Returned')
        assert Invite.get().accepted_user_id == sam.id
        assert Meeting.get_by_id(meeting.id).user_id == sam.id
        assert Note.get_by_id(note.id).author_id == sam.id
    assert fresh.get('/').status_code == 200  # signed in as the restored member
    page = browser.get('/settings/account').get_data(as_text=True)
    assert 'data-member="sam@acme.example"' in page
    # The new password signs in; the old session stays ended.
    other = app.test_client()
    signed = other.post('/sign-in', data={'email': 'sam@acme.example',
                                          'password': 'a new good password',
                                          'csrf_token': _csrf(other.get('/sign-in'))})
    assert (signed.status_code, signed.headers['Location']) == (302, '/')


def test_issue13_an_invite_refusal_with_an_address_in_it_is_said_in_chinese(browser, mailbox, rep):
    """The service's sentences with a value in them (here the e-mail) used to stay English on
    a zh-TW page: they were formatted before the page could translate them."""
    make_user('eve@globex.example', 'Globex')
    with db.connection_context():
        User.update(language='zh-TW').where(User.id == rep.id).execute()
    page = invite(browser, 'eve@globex.example').get_data(as_text=True)
    assert 'eve@globex.example 已在另一個帳戶使用 Meetside' in page
    assert 'already uses Meetside' not in page
    same = invite(browser, rep.email).get_data(as_text=True)
    assert f'{rep.email} 已是此帳戶的成員。' in same
