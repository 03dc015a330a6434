"""Issue 11 on the web pages: a meeting's outcome and type (§1), Settings › Meeting types
(admins only), a deal's stage and amount changes with their meetings (§3)."""
from server.db import db
from server.models import Account, Deal, Meeting
from server.services import records
from server.services import notes
from tests.web.conftest import Browser, add_note, at, make_user, schedule


def stored(meeting):
    with db.connection_context():
        return Meeting.get_by_id(meeting.id)


def test_issue11_the_meeting_page_shows_and_sets_outcome_and_type(browser, rep):
    meeting = schedule(rep, 'Discovery call', at(1), ['pat@globex.example'])
    page = browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert 'How did it go?' in page and '<option value="no_show">No show</option>' in page
    assert '<option value="Demo">Demo</option>' in page
    resp = browser.post(f'/meetings/{meeting.id}/outcome', {'outcome': 'completed', 'type': 'Demo'})
    assert resp.status_code == 303
    assert (stored(meeting).outcome, stored(meeting).meeting_type) == ('completed', 'Demo')
    page = browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert '<option value="completed" selected>' in page and '<option value="Demo" selected>' in page


def test_issue11_a_bad_outcome_or_type_on_the_page_is_refused_naming_it(browser, rep):
    meeting = schedule(rep, 'Discovery call', at(1))
    resp = browser.post(f'/meetings/{meeting.id}/outcome', {'outcome': 'great', 'type': 'Demo'},
                        follow_redirects=True)
    assert 'The outcome was not saved: outcome:' in resp.get_data(as_text=True)
    resp = browser.post(f'/meetings/{meeting.id}/outcome', {'outcome': 'completed', 'type': 'Golf'},
                        follow_redirects=True)
    assert 'The outcome was not saved: type:' in resp.get_data(as_text=True)
    assert (stored(meeting).outcome, stored(meeting).meeting_type) == ('scheduled', '')
    other = make_user('eve@other.example', 'Other')
    assert Browser(browser.client, other).post(
        f'/meetings/{meeting.id}/outcome', {'outcome': 'completed'}).status_code == 404


def test_issue11_admins_edit_the_meeting_types_members_get_403(browser, rep, client):
    page = browser.get('/settings/meeting-types')
    assert page.status_code == 200
    assert 'Discovery\nDemo\nFollow-up</textarea>' in page.get_data(as_text=True)
    assert 'href="/settings/meeting-types"' in browser.get('/settings/profile').get_data(as_text=True)
    resp = browser.post('/settings/meeting-types', {'meeting_types': 'Discovery\n\n QBR \n示範'})
    assert resp.status_code == 303
    with db.connection_context():
        assert Account.get_by_id(rep.account_id).meeting_type_list == ['Discovery', 'QBR', '示範']
    bad = browser.post('/settings/meeting-types', {'meeting_types': 'QBR\nqbr'})
    assert bad.status_code == 422 and 'Each meeting type may appear once.' in bad.get_data(as_text=True)
    long = browser.post('/settings/meeting-types', {'meeting_types': 'x' * 101})
    assert long.status_code == 422 and 'Line 1:' in long.get_data(as_text=True)
    member = Browser(client, make_user('mo@acme.example', 'Acme'))
    assert member.get('/settings/meeting-types').status_code == 403
    assert member.post('/settings/meeting-types', {'meeting_types': 'Mine'}).status_code == 403
    assert 'href="/settings/meeting-types"' not in member.get('/settings/profile').get_data(as_text=True)
    with db.connection_context():
        assert Account.get_by_id(rep.account_id).meeting_type_list == ['Discovery', 'QBR', '示範']


def test_issue11_a_deal_page_lists_its_changes_with_their_meetings(browser, rep, crm):
    meeting = schedule(rep, 'Pricing call', at(1), deal_ids=[crm['deal'].id])
    with db.connection_context():
        records.update_record(rep, 'deals', crm['deal'].id,
                              {'stage': 'contract_sent', 'meeting_id': meeting.id})
        assert Deal.get_by_id(crm['deal'].id).stage == 'contract_sent'
    page = browser.get(f"/deals/{crm['deal'].id}").get_data(as_text=True)
    assert 'Stage and amount changes' in page
    assert 'stage appointment scheduled → contract sent' in page
    assert f'after <a href="/meetings/{meeting.id}">Pricing call</a>' in page


def test_issue11_an_edited_note_says_so_on_the_meeting_page(browser, rep):
    meeting = schedule(rep, 'Discovery call', at(1))
    note = add_note(rep, meeting, 'Budget 10k')
    add_note(rep, meeting, 'Never edited')
    with db.connection_context():
        notes.edit(rep, note.id, 'Budget 12k')
    page = browser.get(f'/meetings/{meeting.id}').get_data(as_text=True)
    assert page.count('(edited)') == 1 and 'Budget 12k' in page
