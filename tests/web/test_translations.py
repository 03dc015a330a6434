"""Issue 13 §3: every web page in English and Traditional Chinese, nothing left untranslated.

Every GET page of the `web` blueprint (enumerated from app.url_map, as the access matrix does)
is rendered in both languages. On the zh_TW page no English may remain: each Latin word shown
must come from the data on the page (names, e-mails, titles) or be one the translators kept
in a zh_TW string (Meetside, Google, CRM, API…); and no English msgid of the catalogue may
appear. A new page whose URL takes an argument this test cannot fill fails loudly: add a
sample to the `site` fixture's samples (a query string to QUERIES, or the endpoint to NOT_PAGES
when it is no page). Non-HTML answers (a CSV download) are skipped.
"""
import datetime
import json
import os
import re
import shutil
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from babel.messages.pofile import read_po

from server import i18n
from server.config import EXTENSION_ORIGIN
from server.db import db
from server.models import CalendarConnection, SyncDecision, User
from server.models.account import DEFAULT_MEETING_TYPES
from server.services import connections, csv_import, invites, tasks, tokens
from tests.clock import today
from tests.web.conftest import Browser, add_note, at, schedule

ZH_PO = i18n.TRANSLATIONS / 'zh_TW' / 'LC_MESSAGES' / 'messages.po'
# Endpoints that answer with no page of their own (files, a redirect to the provider).
NOT_PAGES = {'web.static', 'web.favicon', 'web.integration_connect', 'web.export_csv',
             'web.import_report', 'web.import_status'}  # CSV files and the progress JSON
EXT_CALLBACK = f'{EXTENSION_ORIGIN}/extension/options/signed-in.html'
# Query strings that make a page show its content rather than refuse.
QUERIES = {'web.extension_authorize': '?' + urlencode({'redirect_uri': EXT_CALLBACK,
                                                       'state': 'x' * 32}),
           'web.integration_callback': '?state=forged'}
TEXT_ATTRIBUTES = ('placeholder', 'aria-label', 'title', 'data-confirm', 'alt')
LATIN_WORD = re.compile(r'[A-Za-z][A-Za-z\'’]+')


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and text attributes, code left out."""

    SKIP = frozenset({'script', 'style', 'code', 'datalist', 'option'})

    def __init__(self):
        super().__init__()
        self.texts, self._skipping, self.lang = [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'html':
            self.lang = attrs.get('lang')
        if tag in self.SKIP:
            self._skipping += 1
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(' '.join(data.split()))


def visible(html):
    parser = VisibleText()
    parser.feed(html)
    return parser


def catalogue():
    with ZH_PO.open('rb') as po_file:
        return read_po(po_file, locale='zh_TW')


def words(text):
    """The Latin words of ``text``, leaving out addresses and codes (a URL, an e-mail, r14_all_day)."""
    text = re.sub(r'\S*(?:://|@|_)\S*', ' ', text)
    return {word.strip('\'’') for word in LATIN_WORD.findall(text)}


@pytest.fixture
def site(app, rep, crm, clock):
    """Something on every page: a meeting with attendees and a note, a connected calendar, a
    decision of the sync, an API token, a task, a pending invite, a finished CSV import with a
    skipped row; sign-up open."""
    app.config['SIGNUP_OPEN'] = True
    meeting = schedule(rep, 'Quarterly review', at(1), ['hank@globex.example', 'guest@else.example'],
                       contact_ids=[crm['contact'].id], company_ids=[crm['company'].id],
                       deal_ids=[crm['deal'].id], ticket_ids=[crm['ticket'].id])
    add_note(rep, meeting, 'Hank wants a hammock.')
    with db.connection_context():
        CalendarConnection.create(account=rep.account_id, user=rep.id, provider='google',
                                  provider_email='rita@acme.example', status='connected',
                                  last_synced_at=at(0))
        SyncDecision.create(account=rep.account_id, user=rep.id, provider_event_id='evt-1',
                            title='Team lunch', decision='skipped', reason='r12_internal_only')
        tokens.issue(rep, name='laptop')
        tasks.create(rep, {'title': 'Send the hammock', 'due_date': today().date(),
                           'contact_ids': [crm['contacts'].id]})
        invites.create(rep, {'email': 'sam@newhire.example', 'role': 'member'})
        job = csv_import.create_job(rep, 'contacts', 'people.csv',
                                    b'Email,First name\nnew@globex.example,Nina\n,Nobody\n')
        job = csv_import.run(csv_import.set_mapping(rep, job, {0: 'email', 1: 'first_name'}).id)
    samples = {'plural': ['contacts', 'companies', 'deals', 'tickets'],
               'provider': ['google'], 'meeting_id': [meeting.id], 'job_id': [job.id]}
    data = ['Rita Rep', 'rita@acme.example', 'Acme', 'Globex', 'globex.example',
            'hank@globex.example', 'Hank Scorpio', 'CEO', 'Globex renewal',
            'Doomsday device squeaks', 'Quarterly review', 'guest@else.example',
            'Hank wants a hammock.', 'Team lunch', 'laptop', 'UTC', 'forged',
            'Send the hammock', 'sam@newhire.example', 'people.csv', 'Nina', 'Nobody',
            *json.loads(DEFAULT_MEETING_TYPES),  # the account's own list (data it may edit)
            *connections.PROVIDERS.values()]  # the providers' product names
    return {'samples': samples, 'record_ids': crm, 'data': data}


def page_urls(app, site):
    """(endpoint, url) of every GET page of the web blueprint, arguments filled from ``site``."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith('web.') or 'GET' not in rule.methods \
                or rule.endpoint in NOT_PAGES:
            continue
        unknown = set(rule.arguments) - set(site['samples']) - {'record_id'}
        assert not unknown, f'{rule.endpoint}: add a sample for {unknown} to this test'
        for values in _fillings(rule, site):
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **values) + QUERIES.get(rule.endpoint, '')
            found.append((rule.endpoint, url))
    return found


def _fillings(rule, site):
    if 'plural' in rule.arguments:
        allowed = rule._converters['plural'].items  # e.g. only contacts and companies import
        for plural in (p for p in site['samples']['plural'] if p in allowed):
            values = {'plural': plural}
            if 'record_id' in rule.arguments:
                values['record_id'] = site['record_ids'][plural].id
            yield values
        return
    values = {name: site['samples'][name][0] for name in rule.arguments}
    yield values


def render(client, user, url, language):
    """The page at ``url`` for ``user`` in ``language``, or None when it is no HTML page.

    A page that sends a signed-in user elsewhere (sign-in, sign-up, an invite's page) is seen
    as a visitor whose browser asks for ``language``.
    """
    with db.connection_context():
        User.update(language=language).where(User.id == user.id).execute()
    response = Browser(client, user).get(url, headers={'Accept-Language': 'en'})
    if response.status_code in (301, 302, 303, 307):
        with client.session_transaction() as session:
            session.pop('user_id', None)
        accept = 'zh-TW,zh;q=0.9' if language == 'zh-TW' else 'en'
        response = client.get(url, headers={'Accept-Language': accept})
    if response.status_code in (301, 302, 303, 307):
        pytest.fail(f'{url} redirects to {response.headers["Location"]}: give it a QUERIES entry')
    if response.mimetype != 'text/html':  # a download (CSV), JSON: no page to translate
        return None
    return response.get_data(as_text=True)


def english_left(url, zh, data):
    """What of the zh_TW page ``zh`` (a VisibleText) is still English, as problem lines."""
    messages = [m for m in catalogue() if m.id]
    strings = [m.string if isinstance(m.string, str) else ' '.join(m.string) for m in messages]
    kept = set().union(*(words(s) for s in strings)) | set().union(*(words(d) for d in data))
    # The English sentences of the catalogue, cut at their placeholders and markup.
    english = {part.strip() for m in messages
               for part in re.split(r'%\([a-z]+\)[sd]|<[^>]+>', m.id if isinstance(m.id, str)
                                    else m.id[0])
               if len(part.split()) >= 2 and len(part.strip()) > 8}
    problems = [f'{url}: English on the zh_TW page: {text!r} ({sorted(words(text) - kept)})'
                for text in zh.texts if words(text) - kept]
    shown = ' | '.join(zh.texts)
    return problems + [f'{url}: untranslated msgid on the zh_TW page: {sentence!r}'
                       for sentence in english if sentence in shown]


def test_issue13_every_page_is_fully_translated_into_traditional_chinese(app, client, rep, site):
    """Every web page in zh_TW shows no English string: only data and kept names."""
    urls = page_urls(app, site)
    assert {'web.sign_in', 'web.home', 'web.record_list', 'web.record', 'web.meeting',
            'web.profile_settings', 'web.calendar_settings', 'web.token_settings',
            'web.sign_up', 'web.forgot_password', 'web.account_settings', 'web.import_job',
            'web.import_upload', 'web.edit_record', 'web.new_record', 'web.delete_record',
            'web.meeting_type_settings'} <= {endpoint for endpoint, _ in urls}
    problems = []
    for endpoint, url in urls:
        en_html = render(client, rep, url, 'en')
        if en_html is None:
            continue
        en, zh = visible(en_html), visible(render(client, rep, url, 'zh-TW'))
        assert (en.lang, zh.lang) == ('en', 'zh-TW'), url
        assert en.texts != zh.texts, f'{url}: the zh_TW page is the English one'
        problems += english_left(url, zh, site['data'])
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('state', ['not_connected', 'auth_expired', 'token_unreadable',
                                   'push_refused'])
def test_issue13_settings_calendar_in_each_state_is_translated(client, rep, state):
    """Settings › Calendar's other states (not connected, reconnect, push refused) in zh_TW."""
    from server.services import crypto, push_status
    fields = {'auth_expired': {'status': 'needs_reconnect', 'reconnect_reason': 'auth_expired'},
              'token_unreadable': {'status': 'needs_reconnect',
                                   'reconnect_reason': 'token_unreadable',
                                   'last_error': crypto.UNREADABLE_MESSAGE},
              'push_refused': {'push_error': push_status.unavailable(push_status.NOT_HTTPS)}}
    if state != 'not_connected':
        with db.connection_context():
            CalendarConnection.create(account=rep.account_id, user=rep.id, provider='outlook',
                                      provider_email='rita@acme.example', **fields[state])
    zh = visible(render(client, rep, '/settings/calendar', 'zh-TW'))
    data = ['rita@acme.example', 'Rita Rep', *connections.PROVIDERS.values()]
    assert not english_left('/settings/calendar', zh, data), english_left(
        '/settings/calendar', zh, data)
    assert zh.texts != visible(render(client, rep, '/settings/calendar', 'en')).texts


def test_issue13_every_message_has_a_chinese_translation_and_none_is_fuzzy():
    """The .po files hold exactly the strings marked in the code, each translated, none fuzzy."""
    assert i18n.problems() == {'en': [], 'zh_TW': []}, (
        'run: flask --app server translations update, translate the zh_TW gaps, then check')
    for message in catalogue():
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings) and not message.fuzzy, message.id


def test_issue13_placeholders_of_each_translation_match_its_msgid():
    """A zh_TW string names the same %(…)s placeholders as the English it translates."""
    placeholder = re.compile(r'%\([a-z]+\)[sd]')
    for message in catalogue():
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert sorted(placeholder.findall(string)) == sorted(placeholder.findall(msgid)), msgid


def test_issue13_profile_language_beats_accept_language_and_takes_effect_on_the_next_page(
        browser, rep):
    """Settings › Profile's language is used from the next page on; <html lang> follows."""
    home = browser.get('/', headers={'Accept-Language': 'zh-TW'}).get_data(as_text=True)
    assert '<html lang="en">' in home and 'Your upcoming meetings' in home  # the profile's 'en'
    saved = browser.post('/settings/profile', {'name': rep.name, 'time_zone': 'UTC',
                                               'language': 'zh-TW'})
    assert saved.status_code == 303
    page = browser.get(saved.headers['Location'], headers={'Accept-Language': 'en'})
    html = page.get_data(as_text=True)
    assert '<html lang="zh-TW">' in html
    assert '已儲存您的個人資料。' in html and '個人資料' in html  # the flash, in the new language
    back = browser.post('/settings/profile', {'name': rep.name, 'time_zone': 'UTC',
                                              'language': 'en'})
    assert 'Your profile is saved.' in browser.get(back.headers['Location']).get_data(as_text=True)


@pytest.mark.parametrize('header,expected', [
    ('zh-TW,zh;q=0.9,en;q=0.8', 'zh-TW'), ('zh-Hant-TW', 'zh-TW'), ('zh', 'zh-TW'),
    ('fr-FR,en-GB;q=0.5', 'en'), ('fr', 'en'), ('', 'en'), ('en;q=0.2,zh-TW;q=0.9', 'zh-TW')])
def test_issue13_visitors_get_their_browsers_language(anonymous, header, expected):
    """No profile yet: the best Accept-Language match among en and zh_TW, else English."""
    page = anonymous.get('/sign-in', headers={'Accept-Language': header} if header else {})
    assert f'<html lang="{expected}">' in page.get_data(as_text=True)


def test_issue13_b5_dates_and_amounts_follow_the_locale_in_the_users_zone(browser, rep, crm):
    """zh_TW writes dates as 2026年11月27日 and keeps the user's zone and its label (issue 9)."""
    meeting = schedule(rep, 'Taipei call', at(2, hour=23), ['hank@globex.example'])
    with db.connection_context():
        User.update(language='zh-TW', time_zone='Asia/Taipei').where(User.id == rep.id).execute()
        crm['deal'].amount = 1234567.5
        crm['deal'].save()
    local = meeting.start + datetime.timedelta(hours=8)  # Taipei is UTC+8, no summer time
    html = browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert f'{local.year}年{local.month}月{local.day}日' in html
    assert f'{local:%H}:00' in html and '(Asia/Taipei)' in html
    assert '時間以 Asia/Taipei 顯示' in browser.get('/').get_data(as_text=True)
    assert '1,234,567.50' in browser.get('/deals').get_data(as_text=True)


def test_issue13_catalogues_compile_at_start_up_when_missing_or_older(tmp_path):
    """A missing or stale .mo is compiled from its .po; an up-to-date one is left alone."""
    copy = tmp_path / 'translations'
    shutil.copytree(i18n.TRANSLATIONS, copy, ignore=shutil.ignore_patterns('*.mo'))
    assert sorted(i18n.compile_catalogues(copy)) == ['en', 'zh_TW']
    assert i18n.compile_catalogues(copy) == []  # nothing changed since
    po = copy / 'zh_TW' / 'LC_MESSAGES' / 'messages.po'
    later = time.time() + 5
    os.utime(po, (later, later))
    assert i18n.compile_catalogues(copy) == ['zh_TW']
    assert (copy / 'zh_TW' / 'LC_MESSAGES' / 'messages.mo').stat().st_size > 1000


def test_issue13_mails_speak_the_recipients_language_outside_a_request(app, rep, crm):
    """i18n.speaking_to(user): a background job (no request) writes in the user's language and
    zone, then returns to English."""
    from flask import render_template_string
    from flask_babel import gettext
    with db.connection_context():
        User.update(language='zh-TW', time_zone='Asia/Taipei').where(User.id == rep.id).execute()
        reader = User.get_by_id(rep.id)
    start = at(0, hour=1)  # 01:00 UTC is 09:00 in Taipei
    with app.app_context():
        with i18n.speaking_to(reader):
            text = render_template_string("{{ _('Schedule meeting') }} {{ when|local_time }}",
                                          when=start)
            assert gettext('Note added.') == '已新增筆記。'
        assert gettext('Note added.') == 'Note added.'
    assert text.startswith('排定會議 ') and f'{start.month}月{start.day}日' in text
    assert text.endswith('09:00')


def test_issue13_the_translations_commands_say_the_catalogues_are_complete(runner):
    """`flask translations check` is the lead's one-liner after `translations update`."""
    result = runner.invoke(args=['translations', 'check'])
    assert result.exit_code == 0, result.output
    assert 'Both catalogues are complete.' in result.output


def test_issue13_form_field_errors_are_in_the_pages_language(browser, rep):
    """Settings › Profile's field errors in zh_TW (the API keeps saying them in English)."""
    with db.connection_context():
        User.update(language='zh-TW').where(User.id == rep.id).execute()
    page = browser.post('/settings/profile', {'name': 'x' * 300, 'time_zone': 'Mars/Base',
                                              'language': 'xx'})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert '最多 200 個字元。' in html and '未知的時區「Mars/Base」' in html
    assert '請從以下選擇：English, 繁體中文 (台灣)。' in html
    assert 'Unknown time zone' not in html


def test_issue13_schedule_form_errors_are_in_the_pages_language(browser, rep, crm):
    """The schedule form's field errors (marshmallow's English) are shown in zh_TW."""
    with db.connection_context():
        User.update(language='zh-TW').where(User.id == rep.id).execute()
    page = browser.post(f'/contacts/{crm["contact"].id}/meetings',
                        {'title': '', 'start': 'soon', 'end': '', 'video_link': 'not a url',
                         'attendees': ''})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert '此欄位為必填。' in html and '請輸入日期和時間。' in html
    assert '會議未排定：請修正下方的欄位。' in html
    assert 'This field is required.' not in html


def test_issue13_the_demo_shows_both_languages(app, clock):
    """./run's demo: Alex reads the pages in English, Sam in Traditional Chinese."""
    from server.services import demo
    with db.connection_context():
        demo.seed()
        languages = {u.email: u.language for u in User.select()}
    assert languages == {demo.ADMIN[0]: 'en', demo.MEMBER[0]: 'zh-TW'}


def _csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _zh_stray(html, data):
    """The Latin words of a zh_TW page that are neither data nor kept in a translation."""
    strings = [m.string if isinstance(m.string, str) else ' '.join(m.string)
               for m in catalogue() if m.id]
    kept = set().union(*(words(s) for s in strings)) | set().union(*(words(d) for d in data))
    return sorted(set().union(*(words(t) for t in visible(html).texts)) - kept)


def test_issue13_onboarding_mails_are_in_the_recipients_language(app, rep, mailbox):
    """The password-reset mail (subject, plain text and HTML) in the recipient's zh_TW; an
    invite in the inviting admin's language (the invitee has no profile yet); English stays
    English."""
    from tests.fakes.smtp import text_of
    from tests.web.test_password_reset import ask
    with db.connection_context():
        User.update(language='zh-TW').where(User.id == rep.id).execute()
    ask(app.test_client(), rep.email)
    message = mailbox.wait(1)[0]
    assert message['Subject'] == '重設您的 Meetside 密碼'
    plain, html = text_of(message), text_of(message, 'html')
    assert '有人要求重設您的 Meetside 帳戶' in plain and '設定新密碼' in plain
    assert '如果這不是您提出的要求' in html and '<html lang="zh-TW">' in html
    assert 'reset the password' not in plain + html
    browser = Browser(app.test_client(), rep)
    page = browser.get('/settings/account')
    assert page.status_code == 200
    browser.post('/settings/account/invites', {'email': 'sam@newhire.example', 'role': 'admin'})
    invite = mailbox.wait(2)[1]
    assert invite['Subject'] == 'Rita Rep 邀請您加入 Meetside 上的 Acme'
    assert '以管理員身分加入' in text_of(invite) and '接受邀請' in text_of(invite, 'html')
    with db.connection_context():
        User.update(language='en').where(User.id == rep.id).execute()
    ask(app.test_client(), rep.email)
    assert mailbox.wait(3)[2]['Subject'] == 'Reset your Meetside password'


def test_issue13_link_forms_bulk_and_mapping_pages_are_in_chinese(app, client, rep, crm, mailbox):
    """The pages only a POST shows (the invite's and the reset's forms, the column mapping, a
    bulk confirmation) and their field errors, in zh_TW with no English left."""
    from tests.web.test_invites import invite, mailed_token
    from tests.web.test_password_reset import ask
    from tests.web.test_password_reset import mailed_token as reset_token
    with db.connection_context():
        User.update(language='zh-TW').where(User.id == rep.id).execute()
    browser = Browser(client, rep)
    data = ['Rita Rep', 'rita@acme.example', 'Acme', 'sam@newhire.example', 'Hank Scorpio',
            'Globex', 'people.csv', 'Email', 'First', 'name', 'new@globex.example', 'Nina']
    pages = []
    invite(browser)
    token, _ = mailed_token(mailbox)
    zh = {'Accept-Language': 'zh-TW'}  # a visitor's browser: no profile yet
    fresh = app.test_client()
    page = fresh.get('/invite', headers=zh)
    pages.append(page)
    pages.append(fresh.post('/invite', headers=zh, data={'csrf_token': _csrf_of(page), 'token': token}))
    pages.append(fresh.post('/invite', headers=zh, data={
        'csrf_token': _csrf_of(page), 'token': token, 'step': 'accept', 'name': '',
        'password': 'short', 'confirm': 'other'}))
    ask(app.test_client(), rep.email)
    reset_client = app.test_client()
    page = reset_client.get('/password/reset', headers=zh)
    pages.append(reset_client.post('/password/reset', headers=zh,
                                   data={'csrf_token': _csrf_of(page), 'token': reset_token(mailbox, 1),
                                         'step': 'reset', 'password': 'short', 'confirm': 'x'}))
    with db.connection_context():
        job = csv_import.create_job(rep, 'contacts', 'people.csv',
                                    b'Email,First name\nnew@globex.example,Nina\n')
    pages.append(browser.get(f'/imports/{job.id}'))  # its column mapping
    pages.append(browser.post(f'/imports/{job.id}/mapping', {'column_0': '', 'column_1': 'first_name'}))
    pages.append(browser.post('/contacts/bulk', {'ids': [crm['contact'].id],
                                                 'action': 'assign_owner', 'owner_id': ''}))
    app.config['SIGNUP_OPEN'] = True
    visitor = app.test_client()
    page = visitor.get('/sign-up', headers=zh)
    pages.append(visitor.post('/sign-up', headers=zh, data={
        'csrf_token': _csrf_of(page), 'name': '', 'email': 'nope', 'password': 'x'}))
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.mimetype == 'text/html' and '<html lang="zh-TW">' in html, html[:300]
        assert not _zh_stray(html, data), (_zh_stray(html, data), html)
@pytest.mark.parametrize('action,status,zh', [
    ('insert', 'pending', '尚未加入您的行事曆'),
    ('insert', 'failed', '不在您的行事曆上：行事曆拒絕新增'),
    ('patch', 'pending', '最新的變更尚未同步到您的行事曆')])
def test_issue13_r5_calendar_delivery_state_in_both_languages(browser, rep, action, status, zh):
    """A meeting not (yet) on the calendar says so in zh_TW; English says the service's words."""
    from server.models import CalendarOutbox
    from server.services import calendar_delivery
    meeting = schedule(rep, 'Held back', at(1), ['hank@globex.example'])
    with db.connection_context():
        CalendarOutbox.create(account=rep.account_id, user=rep.id, meeting=meeting.id,
                              action=action, status=status)
        english = calendar_delivery.state(meeting, rep)['message']
    cell = re.compile(r'id="calendar-delivery"[^>]*>([^<]*)<')
    assert cell.search(browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)).group(
        1).strip() == english
    with db.connection_context():
        User.update(language='zh-TW').where(User.id == rep.id).execute()
    shown = cell.search(browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)).group(1)
    assert shown.startswith(zh)
    if status == 'pending':  # no connection: the way out is named too
        assert shown.endswith('（需要在「設定 › 行事曆」中重新連結行事曆）')


def test_issue13_an_unwritable_install_compiles_into_the_instance_folder(tmp_path):
    """Code the server's user cannot write (a container): the .mo files go to instance/."""
    from types import SimpleNamespace

    from babel.support import Translations
    code = tmp_path / 'translations'
    shutil.copytree(i18n.TRANSLATIONS, code, ignore=shutil.ignore_patterns('*.mo'))
    for po in code.glob('*/LC_MESSAGES/messages.po'):
        blocker = po.with_suffix('.mo')
        blocker.mkdir()  # no .mo can be written there, not even by root
        os.utime(blocker, (0, 0))  # and it is older than the .po
    instance = SimpleNamespace(instance_path=str(tmp_path / 'instance'))
    used = i18n.compiled_directory(instance, code)
    assert used == tmp_path / 'instance' / 'translations'
    assert Translations.load(str(used), ['zh_TW']).gettext('Home') == '首頁'
    assert i18n.compiled_directory(SimpleNamespace(instance_path=''), i18n.TRANSLATIONS) == \
        i18n.TRANSLATIONS  # the repository's own folder is writable: beside the .po files
