"""The dashboard, the record lists and the record pages with their meeting timelines."""
import pytest

from server.models import Contact
from tests.web.conftest import Browser, add_note, at, local_input, make_user, schedule

KINDS = ['contacts', 'companies', 'deals', 'tickets']


def test_home_lists_my_upcoming_meetings_only(browser, rep, crm):
    colleague = make_user('sam@acme.example', 'Acme', name='Sam')
    schedule(rep, 'Kick-off with Globex', at(3650), ['hank@globex.example'])
    schedule(rep, 'Long ago', at(-10000))
    schedule(colleague, "Sam's own meeting", at(3650))
    page = browser.get('/').get_data(as_text=True)
    assert 'Kick-off with Globex' in page and 'Hank Scorpio' in page
    assert 'Long ago' not in page
    assert "Sam&#39;s own meeting" not in page and "Sam's own meeting" not in page


@pytest.mark.parametrize('plural,shown', [
    ('contacts', 'Hank Scorpio'), ('companies', 'Globex'), ('deals', 'Globex renewal'),
    ('tickets', 'Doomsday device squeaks')])
def test_lists_show_the_account_records(browser, crm, plural, shown):
    response = browser.get(f'/{plural}')
    assert response.status_code == 200
    assert shown in response.get_data(as_text=True)


def test_contact_search_matches_every_word(browser, rep, crm):
    Contact.create(account=rep.account_id, email='marge@springfield.example', first_name='Marge',
                   last_name='Simpson')
    page = browser.get('/contacts?q=hank+globex').get_data(as_text=True)
    assert 'Hank Scorpio' in page and 'Marge' not in page
    page = browser.get('/contacts?q=simpson').get_data(as_text=True)
    assert 'Marge Simpson' in page and 'Hank' not in page
    assert 'No contacts match' in browser.get('/contacts?q=zzz').get_data(as_text=True)


@pytest.mark.parametrize('q', ['%', '_', '\x00', 'a' * 5000, '\\'])
def test_odd_search_text_never_fails(browser, crm, q):
    assert browser.get('/contacts', query_string={'q': q}).status_code == 200


def test_lists_page_through_all_records(browser, rep):
    for i in range(30):
        Contact.create(account=rep.account_id, email=f'c{i:02}@x.example', first_name='C',
                       last_name=f'{i:02}')
    first = browser.get('/contacts').get_data(as_text=True)
    assert 'C 00' in first and 'C 24' in first and 'C 25' not in first
    start = first.index('Next page')
    href = first[first.rindex('href="', 0, start) + 6:first.index('"', first.rindex('href="', 0, start) + 6)]
    second = browser.get(href.replace('&amp;', '&')).get_data(as_text=True)
    assert 'C 25' in second and 'C 29' in second and 'C 24' not in second
    assert 'Next page' not in second


def test_a_bad_cursor_is_a_clear_error_not_a_crash(browser, crm):
    response = browser.get('/contacts?cursor=%%%')
    assert response.status_code == 422
    assert 'cursor' in response.get_data(as_text=True)


def test_r8_r20_contact_page_shows_the_timeline_with_attendees_and_notes(browser, rep, crm):
    """R8, R20: the contact's meetings, newest first, each with attendees and notes."""
    contact = crm['contact']
    older = schedule(rep, 'Discovery call', at(0), ['hank@globex.example', 'guest@else.example'])
    newer = schedule(rep, 'Contract review', at(7), ['hank@globex.example', 'sam@acme.example'])
    schedule(rep, 'Unrelated', at(3), ['other@else.example'])
    add_note(rep, older, 'Hank wants a hammock.')
    add_note(rep, newer, 'Legal approved clause 7.')
    page = browser.get(f'/contacts/{contact.id}').get_data(as_text=True)
    assert page.index('Contract review') < page.index('Discovery call')  # newest first
    assert 'Unrelated' not in page
    assert 'Hank wants a hammock.' in page and 'Legal approved clause 7.' in page
    assert 'Rita Rep' in page  # the note's author
    assert 'guest@else.example' in page and 'no contact' in page
    assert 'internal' in page  # sam@acme.example is a member of the account (R12)
    assert at(0).strftime('%a %d %b %Y, 10:00') in page  # the timestamp, in the user's zone (UTC)


@pytest.mark.parametrize('plural,key', [('companies', 'company_ids'), ('deals', 'deal_ids'),
                                        ('tickets', 'ticket_ids')])
def test_r8_other_record_pages_show_their_associated_meetings(browser, rep, crm, plural, key):
    meeting = schedule(rep, f'About the {plural}', at(1), **{key: [crm[plural].id]})
    schedule(rep, 'Not associated', at(2))
    add_note(rep, meeting, 'Follow up on Friday.')
    page = browser.get(f'/{plural}/{crm[plural].id}').get_data(as_text=True)
    assert f'About the {plural}' in page and 'Follow up on Friday.' in page
    assert 'Not associated' not in page


def test_record_page_shows_fields(browser, rep, crm):
    page = browser.get(f'/contacts/{crm["contact"].id}').get_data(as_text=True)
    assert 'hank@globex.example' in page and 'CEO' in page
    assert f'href="/companies/{crm["company"].id}">Globex</a>' in page
    Contact.create(account=rep.account_id, email='elsewhere@else.example', first_name='Else')
    page = browser.get(f'/companies/{crm["company"].id}').get_data(as_text=True)
    assert f'href="/contacts/{crm["contact"].id}">Hank Scorpio</a>' in page  # its people
    assert 'Else' not in page
    page = browser.get(f'/deals/{crm["deal"].id}').get_data(as_text=True)
    assert 'appointment scheduled' in page and '0.00' in page


@pytest.mark.parametrize('path', ['/contacts/999', '/companies/0', '/deals/99999999999999999999',
                                  '/tickets/abc', '/meetings/99999999999999999999', '/gizmos/1'])
def test_bad_ids_are_404(browser, crm, path):
    assert browser.get(path).status_code == 404


@pytest.mark.parametrize('plural', KINDS)
def test_cross_account_record_pages_are_404(client, crm, plural):
    """Every query is scoped to the account: a user of account B never sees account A's records."""
    outsider = make_user('eve@other.example', 'Other Inc')
    eve = Browser(client, outsider)
    response = eve.get(f'/{plural}/{crm[plural].id}')
    assert response.status_code == 404
    assert 'Globex' not in response.get_data(as_text=True)
    assert 'Globex' not in eve.get(f'/{plural}').get_data(as_text=True)
    assert eve.post(f'/{plural}/{crm[plural].id}/meetings',
                    {'title': 'x', 'start': local_input(at(1)), 'end': local_input(at(1, hour=11))}
                    ).status_code == 404
