"""Settings › Calendar shows the B4 decision log: "why wasn't this event logged?"."""
from server.db import db
from server.models import SyncDecision


def test_b4_settings_page_explains_skipped_events(browser, rep):
    with db.connection_context():
        SyncDecision.create(account=rep.account_id, user=rep.id, provider_event_id='ev1',
                            title='Team offsite', decision='skipped', reason='r14_all_day')
        SyncDecision.create(account=rep.account_id, user=rep.id, provider_event_id='ev2',
                            title='Demo with Bea', decision='logged', reason='r8_contact_attendee')
    page = browser.get('/settings/calendar').get_data(as_text=True)
    assert "Why wasn't this event logged?" in page
    assert 'Team offsite' in page and 'All-day events are not logged.' in page
    assert 'data-reason="r14_all_day"' in page and 'Demo with Bea' in page
    found = browser.get('/settings/calendar?q=offsite').get_data(as_text=True)
    assert 'Team offsite' in found and 'Demo with Bea' not in found
    none = browser.get('/settings/calendar?q=nothing-like-this').get_data(as_text=True)
    assert 'No event matches' in none


def test_b4_decision_log_search_with_nul_is_not_a_500(browser, rep):
    """PostgreSQL refuses NUL in a parameter: the search drops control characters instead."""
    with db.connection_context():
        SyncDecision.create(account=rep.account_id, user=rep.id, provider_event_id='ev1',
                            title='Team offsite', decision='skipped', reason='r14_all_day')
    for query in ({'q': 'off\x00site'}, {'event_id': 'ev\x001'}):
        response = browser.get('/settings/calendar', query_string=query)
        assert response.status_code == 200 and 'Team offsite' in response.get_data(as_text=True)
