"""The fakes themselves: the HTTP control API used for demos, and the fault knobs."""
import requests


def test_control_api_acts_as_the_user_in_the_calendar(google_fake):
    base = google_fake.url + '/_fake/events'
    made = requests.post(base, json={'owner': 'Rep@Acme.com', 'title': 'Demo',
                                     'start': '2030-01-07T10:00:00Z',
                                     'end': '2030-01-07T11:00:00Z',
                                     'attendees': ['ann@client.example']}, timeout=5)
    assert made.status_code == 201
    event_id = made.json()['id']
    assert requests.patch(f'{base}/{event_id}', json={'title': 'Renamed'}, timeout=5).ok
    listed = requests.get(base, params={'owner': 'rep@acme.com'}, timeout=5).json()
    assert [(e['title'], e['attendees']) for e in listed] == [('Renamed', ['ann@client.example'])]
    assert requests.delete(f'{base}/{event_id}', timeout=5).json()['status'] == 'cancelled'
    assert google_fake.store.live_events('rep@acme.com') == []
    assert requests.delete(f'{base}/nope', timeout=5).status_code == 404


def test_fail_fraction_fails_about_that_share_of_calls(graph_fake):
    token = graph_fake.grant('rep@acme.com')['access_token']
    graph_fake.faults.fail_fraction(0.2, kinds=(500,), seed=7)
    statuses = [requests.get(graph_fake.url + '/v1.0/me', timeout=5,
                             headers={'Authorization': f'Bearer {token}'}).status_code
                for _ in range(200)]
    assert 20 <= statuses.count(500) <= 60
    assert set(statuses) == {200, 500}


def test_graph_delta_needs_a_time_window(graph_fake):
    token = graph_fake.grant('rep@acme.com')['access_token']
    answer = requests.get(graph_fake.url + '/v1.0/me/calendarView/delta', timeout=5,
                          headers={'Authorization': f'Bearer {token}'})
    assert answer.status_code == 400
    assert answer.json()['error']['code'] == 'ErrorInvalidParameter'


def test_tokens_expire_and_refresh_grants_can_be_refused(google_fake):
    tokens = google_fake.grant('rep@acme.com')
    me = google_fake.url + '/v1/userinfo'
    auth = {'Authorization': f"Bearer {tokens['access_token']}"}
    assert requests.get(me, headers=auth, timeout=5).json()['email'] == 'rep@acme.com'
    google_fake.expire_access_tokens()
    assert requests.get(me, headers=auth, timeout=5).status_code == 401
    form = {'grant_type': 'refresh_token', 'refresh_token': tokens['refresh_token'],
            'client_id': google_fake.client_id, 'client_secret': google_fake.client_secret}
    assert requests.post(google_fake.url + '/token', data=form, timeout=5).ok
    google_fake.refresh_fails = True
    refused = requests.post(google_fake.url + '/token', data=form, timeout=5)
    assert refused.status_code == 400 and refused.json()['error'] == 'invalid_grant'
