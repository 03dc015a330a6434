"""Settings › Profile: name, time zone and language, with field errors and CSRF (B5)."""
import re

from server.db import db
from server.models import User
from tests.web.conftest import make_user


def stored(user):
    with db.connection_context():
        return User.get_by_id(user.id)


def test_b5_profile_page_lists_every_zone_and_is_in_the_settings_nav(browser):
    page = browser.get('/settings/profile')
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<datalist id="time-zones">' in html
    assert '<option value="America/New_York">' in html and '<option value="Europe/Berlin">' in html
    assert 'aria-current="page"' in html and 'href="/settings/profile"' in html
    assert '<script>' not in html and 'style=' not in html  # the CSP forbids inline ones
    assert 'href="/settings/profile"' in browser.get('/settings/calendar').get_data(as_text=True)


def test_b5_saving_the_profile_sets_the_users_own_zone(browser, rep):
    resp = browser.post('/settings/profile', {'name': 'Rita Rep', 'time_zone': 'America/New_York',
                                              'language': 'zh-TW'})
    assert resp.status_code == 303
    user = stored(rep)
    assert (user.time_zone, user.time_zone_source, user.language) == (
        'America/New_York', 'user', 'zh-TW')
    home = browser.get('/').get_data(as_text=True)
    assert '時間以 America/New_York 顯示' in home  # the zone, in the language just chosen


def test_b5_saving_only_the_name_leaves_the_calendars_zone_to_the_calendar(browser, rep):
    resp = browser.post('/settings/profile', {'name': 'Rita R.', 'time_zone': 'UTC',
                                              'language': 'en'})
    assert resp.status_code == 303
    user = stored(rep)
    assert (user.name, user.time_zone_source) == ('Rita R.', 'calendar')


def test_b5_unknown_zone_shows_a_field_error_and_saves_nothing(browser, rep):
    resp = browser.post('/settings/profile', {'name': 'Someone Else', 'time_zone': 'Mars/Base',
                                              'language': 'en'})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert re.search(r'class="field-error">Unknown time zone', html)
    assert 'value="Mars/Base"' in html  # what they typed stays in the box
    user = stored(rep)
    assert (user.name, user.time_zone) == ('Rita Rep', 'UTC')


def test_b5_profile_post_without_csrf_is_refused(browser, rep):
    resp = browser.post('/settings/profile', {'time_zone': 'Asia/Taipei'}, csrf=False)
    assert resp.status_code in (400, 403)
    assert stored(rep).time_zone == 'UTC'
