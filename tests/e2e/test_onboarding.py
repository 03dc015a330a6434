"""Issue 13 §1 in a real browser: sign-up -> invite -> accept (the invite mail read from a real
SMTP server, aiosmtpd) -> connect Google (the fake's consent screen) -> the first synced
meeting on the home page; axe-core on every new page (§4)."""
import datetime
import time

import pytest

from server.db import db
from server.models import Contact, User
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import CHROMIUM, screenshot
from tests.e2e.live_server import LiveServer
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY
from tests.fakes.smtp import SmtpServer, link_in

pytestmark = pytest.mark.e2e

PASSWORD = 'a good password'


@pytest.fixture
def onboarding_server(_schema, app, google_fake, monkeypatch):
    """A live server of its own: sign-up open, mail to aiosmtpd, Google at the fake."""
    smtp = SmtpServer().start()
    google_fake.allow_http_push = True  # the live server is http://127.0.0.1: its pushes are real
    env = {'SIGNUP_OPEN': '1', 'TOKEN_ENCRYPTION_KEY': TEST_ENCRYPTION_KEY, 'MAIL_USE_TLS': '0',
           **{key: str(value) for key, value in smtp.config().items() if value != ''},
           **google_fake.config()}
    env['MAIL_USE_TLS'] = '0'
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    server = LiveServer(_schema.config['DATABASE_URL']).start()
    server.smtp = smtp
    yield server
    server.stop()
    smtp.stop()


@pytest.fixture
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=['--no-sandbox'])
    yield chromium
    chromium.close()


def new_page(browser):
    context = browser.new_context(viewport={'width': 1100, 'height': 900})
    context.set_default_timeout(15_000)
    return context.new_page()


def test_issue13_sign_up_invite_accept_connect_first_synced_meeting(onboarding_server, browser, google_fake):
    server = onboarding_server
    lead = new_page(browser)
    lead.goto(server.url + '/sign-in')
    lead.get_by_role('link', name='Create an account').click()
    lead.wait_for_url(server.url + '/sign-up')
    assert_accessible(lead, 'sign-up')
    lead.get_by_role('button', name='Create account').click()  # empty: field errors
    lead.locator('.field-error').first.wait_for()
    assert_accessible(lead, 'sign-up with errors')
    # Keyboard only: Tab goes name -> e-mail -> password -> the button, each with a ring.
    lead.get_by_label('Your name').focus()
    for value in ('Lena Lead', 'lena@acme.example', PASSWORD):
        lead.keyboard.type(value)
        lead.keyboard.press('Tab')
    assert lead.evaluate('document.activeElement.textContent.trim()') == 'Create account'
    assert lead.evaluate('getComputedStyle(document.activeElement).outlineStyle') != 'none'
    lead.keyboard.press('Enter')
    lead.wait_for_url(server.url + '/')
    lead.locator('#first-run').wait_for()
    assert lead.locator('[data-step][data-done="no"]').count() == 4
    assert_accessible(lead, 'home with the first-run checklist')
    screenshot(lead, 'web-first-run')

    lead.get_by_role('link', name='Check your domains').click()
    lead.wait_for_url(server.url + '/settings/account')
    assert lead.get_by_label('Website domain').input_value() == 'acme.example'
    assert_accessible(lead, 'settings account')
    lead.get_by_label('Connected domains').fill('acme-mail.example')
    lead.get_by_role('button', name='Save', exact=True).click()
    lead.get_by_text('The next calendar syncs use these domains').wait_for()
    lead.get_by_label('E-mail', exact=True).fill('sam@acme.example')
    lead.get_by_label('Role', exact=True).select_option('member')
    lead.get_by_role('button', name='Send invite').click()
    lead.get_by_text('Invite sent to sam@acme.example').wait_for()
    assert_accessible(lead, 'settings account with an invite')
    screenshot(lead, 'web-settings-account')

    [mail] = server.smtp.mailbox.wait(1, timeout=15)
    assert mail['To'] == 'sam@acme.example'
    invitee = new_page(browser)
    invitee.goto(link_in(mail, '/invite'))
    invitee.get_by_role('heading', name='Join Acme on Meetside').wait_for()
    assert '#token' not in invitee.url
    assert_accessible(invitee, 'accept invite')
    invitee.get_by_label('Your name').fill('Sam Seller')
    invitee.get_by_label('Password', exact=True).fill(PASSWORD)
    invitee.get_by_label('Password again').fill(PASSWORD)
    invitee.get_by_role('button', name='Join Acme').click()
    invitee.wait_for_url(server.url + '/')
    with db.connection_context():
        sam = User.get(User.email == 'sam@acme.example')
        lena = User.get(User.email == 'lena@acme.example')
        assert (sam.account_id, sam.role) == (lena.account_id, 'member')
        Contact.create(account=sam.account_id, email='pat@globex.example', first_name='Pat',
                       last_name='Buyer')

    invitee.get_by_role('link', name='Connect your calendar').click()
    invitee.get_by_role('link', name='Connect Google Calendar').click()
    invitee.get_by_text('Google Calendar').first.wait_for()
    invitee.goto(server.url + '/settings/calendar')
    assert invitee.locator('#calendar-connection').get_attribute('data-status') == 'connected'

    time.sleep(1.1)  # the fake's clock has whole seconds: R4 admits events after connecting
    start = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
             + datetime.timedelta(hours=3))
    google_fake.store.add_event('sam@acme.example', 'Globex kickoff', start=start,
                                attendees=['pat@globex.example', 'lena@acme.example'])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        invitee.goto(server.url + '/')
        if invitee.get_by_role('link', name='Globex kickoff').count():
            break
        time.sleep(0.5)
    assert invitee.get_by_role('link', name='Globex kickoff').count(), server.output()
    assert invitee.locator('[data-step="calendar"]').get_attribute('data-done') == 'yes'

    # Password reset and its pages, for axe.
    other = new_page(browser)
    other.goto(server.url + '/sign-in')
    other.get_by_role('link', name='Forgot your password?').click()
    assert_accessible(other, 'forgot password')
    other.get_by_label('E-mail').fill('sam@acme.example')
    other.get_by_role('button', name='Send the link').click()
    other.get_by_text('If an account uses that e-mail').wait_for()
    reset_mail = server.smtp.mailbox.wait(2, timeout=15)[1]
    other.goto(link_in(reset_mail, '/password/reset'))
    other.get_by_role('heading', name='Choose a new password').wait_for()
    other.get_by_label('New password', exact=True).wait_for()
    assert_accessible(other, 'reset password')
    invitee.goto(server.url + '/settings/profile')
    assert_accessible(invitee, 'profile with password change')
