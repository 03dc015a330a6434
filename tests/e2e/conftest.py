"""Browser fixtures: real Chromium with the unpacked extension, against a live server."""
import datetime
import shutil
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from server.db import db
from server.models import CalendarConnection, Company, Contact, utcnow
from server.services import meetings, tokens, users
from tests.e2e.live_server import ROOT, LiveServer

CHROMIUM = '/usr/bin/chromium'
EXTENSION_ID = 'ponpnhgfpmhgpplklaobjcjpfnnmpiic'  # pinned by manifest.json's "key"
PASSWORD = 'correct horse battery'
PANEL = 'extension/sidepanel/index.html'


def browser_args(lang):
    return ['--headless=new', f'--disable-extensions-except={ROOT}', f'--load-extension={ROOT}',
            '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', f'--lang={lang}']


class Extension:
    """A persistent Chromium profile with the extension, and what the tests observe in it."""

    def __init__(self, playwright, user_data_dir, lang='en-US', tz=None):
        self.playwright, self.user_data_dir, self.lang = playwright, user_data_dir, lang
        self.tz = tz  # the browser process's TZ (B5: a user zone may differ from it)
        self.errors = []  # console errors and uncaught exceptions, from pages and the worker
        self.context = None
        self.open()

    def open(self):
        # On Linux Chromium takes its UI language from LANGUAGE; --lang is passed too.
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.user_data_dir), executable_path=CHROMIUM, headless=False,
            args=browser_args(self.lang), viewport={'width': 360, 'height': 720},
            env={'LANGUAGE': self.lang.replace('-', '_'), **({'TZ': self.tz} if self.tz else {})})
        self.context.set_default_timeout(10_000)
        worker = (self.context.service_workers[0] if self.context.service_workers
                  else self.context.wait_for_event('serviceworker'))
        self.id = worker.url.split('/')[2]
        self._watch_worker(worker)
        self.context.on('serviceworker', self._watch_worker)  # the worker is restarted at will
        self.context.on('console', self._console)
        self.context.on('weberror', self._uncaught)
        return self

    def _watch_worker(self, worker):
        """Collect the worker's console errors, uncaught errors and unhandled rejections."""
        self.worker = worker
        worker.on('console', lambda message: message.type == 'error' and self.errors.append(
            f'worker console: {message.text}'))
        worker.evaluate("""() => {
          addEventListener('error', (e) => console.error(`uncaught: ${e.message}`));
          addEventListener('unhandledrejection', (e) => console.error(`unhandled: ${e.reason?.message ?? e.reason}`));
        }""")

    # The extension's pages and worker, and the (routed, Gmail-like) pages its content script
    # runs in; the server's own pages are not under test here.
    def _ours(self, page, url=''):
        return (page.url if page else url).startswith(('chrome-extension://', 'https://mail.google.com/'))

    def _console(self, message):
        if message.type == 'error' and self._ours(message.page, message.location.get('url', '')):
            self.errors.append(f'console: {message.text} ({message.location.get("url")})')

    def _uncaught(self, error):
        if error.page is None or self._ours(error.page):
            self.errors.append(f'uncaught: {error.error}')

    def close(self):
        if self.context is not None:
            # Extension calls still pending at shutdown reject ("The browser is shutting down"):
            # an artefact of closing, not an error of the extension.
            count = len(self.errors)
            self.context.close()
            self.context = None
            del self.errors[count:]

    def url(self, path):
        return f'chrome-extension://{self.id}/{path}'

    def storage(self, code):
        """Run ``code`` (an expression using chrome.storage) in the service worker."""
        return self.worker.evaluate(code)

    def sign_in(self, server, token):
        self.storage(f'chrome.storage.local.set({{serverUrl: "{server.url}", token: "{token}"}})')

    def open_panel(self):
        page = self.context.new_page()
        page.goto(self.url(PANEL))
        return page

    def reset(self):
        """Between tests: one blank tab, empty extension storage, no cookies, no errors."""
        for page in self.context.pages[1:]:
            page.close()
        self.storage('chrome.storage.local.clear().then(() => chrome.alarms.clearAll())')
        self.context.clear_cookies()  # no web session left over on the server's pages
        self.errors.clear()


@pytest.fixture(scope='session')
def playwright():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope='session')
def _live_server(_schema):
    server = LiveServer(_schema.config['DATABASE_URL']).start()
    yield server
    server.stop()


@pytest.fixture
def server(_live_server, app):
    """The live server, started again if a test left it stopped; tables emptied by ``app``."""
    if not _live_server.running:
        _live_server.start()
    return _live_server


@pytest.fixture(scope='session')
def _extension(playwright):
    profile = Path(tempfile.mkdtemp(prefix='meetside-e2e-profile-'))
    extension = Extension(playwright, profile)
    yield extension
    extension.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def extension(_extension):
    _extension.reset()
    yield _extension
    assert not _extension.errors, _extension.errors


@pytest.fixture
def new_extension(playwright, tmp_path):
    """A fresh profile of its own (for restarts and other languages)."""
    made = []

    def make(lang='en-US', tz=None):
        made.append(Extension(playwright, tmp_path / f'profile-{len(made)}', lang, tz))
        return made[-1]
    yield make
    for extension in made:
        extension.close()


# -- seeded CRM data ---------------------------------------------------------------------

class World:
    """A rep with a connected calendar, contacts and meetings around now."""


def _today_window(now, zone):
    """A slot that started and ended earlier today in the user's zone (for 'past' rows)."""
    import zoneinfo
    local = now.replace(tzinfo=datetime.timezone.utc).astimezone(zoneinfo.ZoneInfo(zone))
    elapsed = local - local.replace(hour=0, minute=0, second=0, microsecond=0)
    back = min(elapsed / 2, datetime.timedelta(minutes=90))
    start = now - back
    return start, start + min(back / 2, datetime.timedelta(minutes=30))


@pytest.fixture
def world(app):
    """Seed through the services; returns ids and plaintexts the tests need."""
    w = World()
    now = utcnow().replace(microsecond=0)
    with db.connection_context():
        rep = users.create(email='rita@acme.example', account_name='Acme', name='Rita Rep',
                           password=PASSWORD, website_domain='acme.example')
        rep.time_zone = 'Asia/Taipei'
        rep.save()
        colleague = users.create(email='carl@acme.example', account_name='Acme', name='Carl Colleague',
                                 password=PASSWORD)
        _, w.token = tokens.issue(rep, name='e2e')
        _, w.colleague_token = tokens.issue(colleague, name='e2e')
        globex = Company.create(account=rep.account_id, name='Globex', domain='globex.example')
        w.pat = Contact.create(account=rep.account_id, email='pat@globex.example', first_name='Pat',
                               last_name='Buyer', phone='+886 2 1234 5678', company=globex,
                               job_title='Head of Purchasing', owner=rep)
        attendees = [
            {'email': 'pat@globex.example', 'display_name': 'Pat Buyer'},
            {'email': 'nina@newco.example', 'display_name': 'Nina Newcomer'},
            {'email': 'carl@acme.example', 'display_name': 'Carl Colleague'},
        ]
        past_start, past_end = _today_window(now, 'Asia/Taipei')
        w.past = meetings.schedule(rep, {
            'title': 'Morning check-in', 'start': past_start, 'end': past_end,
            'attendees': attendees[:1], 'video_link': 'https://meet.example/past'})
        w.demo = meetings.schedule(rep, {
            'title': 'Globex product demo', 'start': now + datetime.timedelta(minutes=30),
            'end': now + datetime.timedelta(minutes=90), 'attendees': attendees,
            'video_link': 'https://meet.example/abc-defg-hij'})
        w.later = meetings.schedule(rep, {
            'title': 'Contract review', 'start': now + datetime.timedelta(days=2),
            'end': now + datetime.timedelta(days=2, hours=1), 'attendees': attendees[:2]})
        w.far = meetings.schedule(rep, {
            'title': 'Far future offsite', 'start': now + datetime.timedelta(days=30),
            'end': now + datetime.timedelta(days=30, hours=1), 'attendees': attendees[:1]})
        # Connected after scheduling, so the seed pushes nothing to a calendar (R5 is not
        # under test here); what the panel needs is the connection state (R21).
        CalendarConnection.create(account=rep.account_id, user=rep, provider='google',
                                  provider_email=rep.email, status='connected')
        w.rep, w.colleague = rep, colleague
    return w


# -- helpers -----------------------------------------------------------------------------

def call(server, token, method, path, **kwargs):
    """Call the live server's API as a client would; return the decoded JSON."""
    import requests
    response = requests.request(method, server.url + '/api/v1' + path, timeout=10,
                                headers={'Authorization': f'Bearer {token}'}, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


SCREENSHOTS = ROOT / 'docs' / 'screenshots'


def screenshot(page, name):
    """Save a 360 px wide picture of the screen when E2E_SCREENSHOTS=1 (for the README)."""
    import os
    if os.environ.get('E2E_SCREENSHOTS') == '1':
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({'width': 360, 'height': 640})
        page.screenshot(path=str(SCREENSHOTS / f'{name}.png'))


def assert_server_page(page, server, path):
    """``page`` shows ``path`` of the server, or its sign-in on the way there (no web session)."""
    page.wait_for_load_state()
    assert page.url in (f'{server.url}{path}', f'{server.url}/sign-in?next={path}?'), page.url


def panel_documents(extension):
    """The side-panel documents Chromium runs (they are CDP targets, not tabs): url -> title."""
    session = extension.context.new_cdp_session(extension.context.pages[0])
    try:
        targets = session.send('Target.getTargets')['targetInfos']
    finally:
        session.detach()
    tabs = {page.url for page in extension.context.pages}
    return {t['url']: t['title'] for t in targets
            if t['url'].startswith(extension.url(PANEL)) and t['url'] not in tabs}


def expect_panel_document(extension, query='', title='Meetside meeting assistant', timeout=10):
    """Wait until Chromium runs a side panel at PANEL + query that has localised its title."""
    import time
    wanted = extension.url(PANEL) + query
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if panel_documents(extension).get(wanted) == title:
            return
        time.sleep(0.1)
    raise AssertionError(f'no side panel at {wanted}: {panel_documents(extension)}')


def open_meeting(page, title):
    page.get_by_role('button', name=title).click()
    page.wait_for_selector('nav.tabs')
