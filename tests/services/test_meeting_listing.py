"""services.meeting_listing builds GET /meetings straight from rows: it must say exactly what
MeetingListPageSchema dumps from the models (services.meetings.list_for_user) for the same page."""
import datetime

import pytest

from server.db import db
from server.models import Company, Contact, Meeting, User
from server.schemas.meetings import MeetingListPageSchema
from server.services import meeting_listing, meetings
from tests.clock import ahead, iso_ahead, today


@pytest.fixture
def workspace(caller, make_caller):
    """R11/R12/R17 attendee shapes: a contact with a company, one without, a stranger, a user
    of the account on another domain, a colleague on the account's domain; times with and
    without milliseconds; a started and a cancelled meeting."""
    make_caller('teammate@partner.org', account='Acme')
    with db.connection_context():
        company = Company.create(account=caller.user.account_id, name='Client Co')
        Contact.create(account=caller.user.account_id, email='buyer@client.com',
                       first_name='Bea', last_name='Buyer', company=company, job_title='CFO')
        Contact.create(account=caller.user.account_id, email='solo@else.com', last_name='Solo')
        Contact.create(account=caller.user.account_id, email='nameless@else.com')
    ids = []
    for day in range(1, 6):
        response = caller.post('/meetings', json={
            'title': f'Call {day}', 'start': iso_ahead(days=day, hour=10),
            'end': iso_ahead(days=day, hour=10, minute=30).replace('Z', '.250Z'), 'location': 'Room 1',
            'video_link': 'https://meet.example.com/x', 'description': 'Agenda',
            'attendees': [{'email': 'buyer@client.com', 'display_name': 'Bea'},
                          {'email': 'solo@else.com'}, {'email': 'nameless@else.com'},
                          {'email': 'nobody@else.com', 'display_name': 'No Body'},
                          {'email': 'teammate@partner.org'}, {'email': 'colleague@acme.com'}]})
        assert response.status_code == 201, response.json
        ids.append(response.json['id'])
    caller.post(f'/meetings/{ids[0]}/start')
    with db.connection_context():
        Meeting.update(status='cancelled').where(Meeting.id == ids[1]).execute()
    return caller


def _both(caller, **args):
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
        fast = meeting_listing.page_for_user(user, **args)
        models, next_cursor = meetings.list_for_user(user, **args)
        return fast, MeetingListPageSchema().dump({'items': models, 'next_cursor': next_cursor})


def test_r16_r17_listing_equals_the_schema_dump_of_the_models(workspace):
    fast, expected = _both(workspace)
    assert fast == expected
    first = fast['items'][0]
    assert first['end'] == iso_ahead(days=1, hour=10, minute=30).replace('Z', '.250Z') and len(first['attendees']) == 6
    shown = {a['email']: a for a in first['attendees']}
    assert shown['buyer@client.com']['contact'] == {
        'id': shown['buyer@client.com']['contact']['id'], 'name': 'Bea Buyer',
        'email': 'buyer@client.com', 'company': 'Client Co', 'job_title': 'CFO'}
    assert shown['solo@else.com']['contact']['name'] == 'Solo'
    assert shown['nameless@else.com']['contact']['name'] == 'nameless@else.com'
    assert shown['nobody@else.com']['contact'] is None
    # R12: a user of the account on another domain, and the account's own domain.
    assert [e for e, a in shown.items() if a['is_internal']] == [
        'teammate@partner.org', 'colleague@acme.com']
    assert 'description' not in first  # the detail has it: GET /meetings/{id}


def test_r16_listing_pages_filters_and_search_like_the_models(workspace):
    cursor, walked = None, []
    while True:
        fast, expected = _both(workspace, limit=2, cursor=cursor)
        assert fast == expected
        walked += [m['title'] for m in fast['items']]
        cursor = fast['next_cursor']
        if cursor is None:
            break
    assert walked == [f'Call {day}' for day in range(1, 6)]
    window = {'start_from': ahead(days=2, hour=10, minute=15), 'start_to': today(days=4)}
    fast, expected = _both(workspace, **window)
    assert fast == expected and [m['title'] for m in fast['items']] == ['Call 2', 'Call 3']
    fast, expected = _both(workspace, q='all 4')
    assert fast == expected and [m['title'] for m in fast['items']] == ['Call 4']


def test_r16_listing_is_the_api_response(workspace):
    listed = workspace.get('/meetings?limit=3')
    assert listed.status_code == 200 and listed.mimetype == 'application/json'
    fast, _ = _both(workspace, limit=3)
    assert listed.json == fast
