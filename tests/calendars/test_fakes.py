"""The fakes themselves: the HTTP control API used for demos, and the fault knobs."""
import requests

from tests.clock import DAY, ahead, iso, iso_ahead


def test_control_api_acts_as_the_user_in_the_calendar(google_fake):
    base = google_fake.url + '/_fake/events'
    made = requests.post(base, json={'owner': 'Rep@Acme.com', 'title': 'Demo',
                                     'start': iso_ahead(hour=10),
                                     'end': iso_ahead(hour=11),
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


def _refresh(fake, refresh_token):
    form = {'grant_type': 'refresh_token', 'refresh_token': refresh_token,
            'client_id': fake.client_id, 'client_secret': fake.client_secret}
    return requests.post(fake.url + '/token', data=form, timeout=5)


def _calendar_list(fake, access_token):
    return requests.get(fake.url + '/calendar/v3/users/me/calendarList', timeout=5,
                        headers={'Authorization': f'Bearer {access_token}'})


def test_google_revoke_ends_the_grant_and_every_token_issued_from_it(google_fake):
    tokens = google_fake.grant('rep@acme.com')
    refreshed = _refresh(google_fake, tokens['refresh_token']).json()['access_token']
    colleague = google_fake.grant('otto@acme.com')

    answer = requests.post(google_fake.url + '/revoke', timeout=5,
                           data={'token': tokens['refresh_token']})
    assert answer.status_code == 200
    assert google_fake.config()['GOOGLE_REVOKE_URI'] == google_fake.url + '/revoke'

    refused = _refresh(google_fake, tokens['refresh_token'])
    assert refused.status_code == 400 and refused.json()['error'] == 'invalid_grant'
    for access in (tokens['access_token'], refreshed):
        assert _calendar_list(google_fake, access).status_code == 401
    again = requests.post(google_fake.url + '/revoke', data={'token': tokens['refresh_token']},
                          timeout=5)
    assert again.status_code == 400 and again.json()['error'] == 'invalid_token'
    # Another account's grant is untouched.
    assert _calendar_list(google_fake, colleague['access_token']).ok
    assert _refresh(google_fake, colleague['refresh_token']).ok
    assert google_fake.revoked == ['rep@acme.com']


def test_google_revoking_an_access_token_revokes_its_refresh_token_too(google_fake):
    tokens = google_fake.grant('rep@acme.com')
    assert requests.post(google_fake.url + '/revoke', data={'token': tokens['access_token']},
                         timeout=5).ok
    assert _refresh(google_fake, tokens['refresh_token']).json()['error'] == 'invalid_grant'


def test_google_revoke_refuses_unknown_or_missing_tokens_and_can_fail(google_fake):
    unknown = requests.post(google_fake.url + '/revoke', data={'token': 'rt-nope'}, timeout=5)
    assert unknown.status_code == 400 and unknown.json() == {
        'error': 'invalid_token', 'error_description': 'Token expired or revoked'}
    missing = requests.post(google_fake.url + '/revoke', data={}, timeout=5)
    assert missing.status_code == 400 and missing.json()['error'] == 'invalid_request'

    tokens = google_fake.grant('rep@acme.com')
    google_fake.faults.fail_next(500)
    failed = requests.post(google_fake.url + '/revoke', data={'token': tokens['refresh_token']},
                           timeout=5)
    assert failed.status_code == 500
    assert _refresh(google_fake, tokens['refresh_token']).ok  # a failed call revokes nothing


def test_graph_delta_lists_only_the_window_asked_for_and_its_delta_link_keeps_it(graph_fake):
    """As Graph does: the first request's startDateTime/endDateTime bound the calendar view, and
    the deltaLink goes on reporting changes inside that window only, however late it is used."""
    import datetime
    owner = 'rep@acme.com'
    token = graph_fake.grant(owner)['access_token']
    headers = {'Authorization': f'Bearer {token}'}
    day = ahead(days=90, hour=9)
    midnight = day.replace(hour=0)
    store = graph_fake.store
    before = store.add_event(owner, 'Before', start=day - datetime.timedelta(days=2)).id
    inside = store.add_event(owner, 'Inside', start=day + datetime.timedelta(days=3)).id
    after = store.add_event(owner, 'After', start=day + datetime.timedelta(days=12)).id

    def titles(body):
        return sorted(item.get('subject', item['id']) for item in body['value'])

    first = requests.get(graph_fake.url + '/v1.0/me/calendarView/delta', timeout=5,
                         headers=headers, params={'startDateTime': iso(midnight),
                                                  'endDateTime': iso(midnight + 10 * DAY)}).json()
    assert titles(first) == ['Inside']
    store.edit_event(before, title='Before, edited')
    store.edit_event(after, title='After, edited')
    store.add_event(owner, 'Later still', start=day + datetime.timedelta(days=20))
    store.edit_event(inside, title='Inside, edited')
    changes = requests.get(first['@odata.deltaLink'], headers=headers, timeout=5).json()
    assert titles(changes) == ['Inside, edited']
    assert changes['@odata.deltaLink']


def test_graph_delta_omits_what_was_deleted_before_the_client_saw_it(graph_fake):
    """As Graph does (issue 15): a delta reports the removal of an event or a series' week the
    client's last round listed, and nothing at all of one created and deleted since; a series
    master shows its recurrence as a patternedRecurrence in its Windows-named zone."""
    import datetime
    from tests.clock import ahead
    owner = 'rep@acme.com'
    headers = {'Authorization': f"Bearer {graph_fake.grant(owner)['access_token']}"}
    store, start = graph_fake.store, ahead(days=2, hour=9)
    seen = store.add_event(owner, 'Seen', start=start)
    seen_series = store.add_event(owner, 'Seen series', start=start, time_zone='Europe/Berlin',
                                  recurrence=['RRULE:FREQ=WEEKLY;COUNT=3'])
    window = {'startDateTime': (start - datetime.timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ'),
              'endDateTime': (start + datetime.timedelta(days=30)).strftime('%Y-%m-%dT%H:%M:%SZ')}
    first = requests.get(graph_fake.url + '/v1.0/me/calendarView/delta', timeout=5,
                         headers=headers, params=window).json()
    assert len(first['value']) == 4  # the event and the series' three weeks
    unseen = store.add_event(owner, 'Unseen', start=start)
    unseen_series = store.add_event(owner, 'Unseen series', start=start,
                                    recurrence=['RRULE:FREQ=WEEKLY;COUNT=3'])
    week = datetime.timedelta(days=7)
    for event in (seen, unseen):
        store.delete_event(event.id)
    for series in (seen_series, unseen_series):
        store.add_exception(series.id, start + week, cancelled=True)
    changes = requests.get(first['@odata.deltaLink'], headers=headers, timeout=5).json()
    removed = sorted(item['id'] for item in changes['value'] if '@removed' in item)
    assert removed == sorted([seen.id, f'{seen_series.id}_{start + week:%Y%m%dT%H%M%SZ}'])
    listed = [item for item in changes['value'] if '@removed' not in item]
    assert {item['seriesMasterId'] for item in listed} == {unseen_series.id}  # weeks 1 and 3
    master = requests.get(f'{graph_fake.url}/v1.0/me/events/{seen_series.id}', timeout=5,
                          headers=headers).json()
    assert master['type'] == 'seriesMaster'
    assert master['recurrence']['pattern']['type'] == 'weekly'
    assert master['recurrence']['range'] == {
        'type': 'numbered', 'numberOfOccurrences': 3, 'endDate': '0001-01-01',
        'startDate': master['recurrence']['range']['startDate'],
        'recurrenceTimeZone': 'W. Europe Standard Time'}


def test_issue12_google_fake_enforces_a_per_user_rate_with_retry_after(google_fake):
    """Google's per-user quota: above the rate a 429 rateLimitExceeded with Retry-After; another
    user is not affected, and the window frees up again."""
    import requests as http
    google_fake.user_rate_limit = (3, 1.0)
    def call(email):
        token = google_fake.grant(email)['access_token']
        return http.get(google_fake.config()['GOOGLE_CALENDAR_API_ENDPOINT'] + 'calendars/primary/events',
                        headers={'Authorization': f'Bearer {token}'}, timeout=5)
    answers = [call('rep@acme.com') for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].headers['Retry-After'] == '1'
    assert answers[-1].json()['error']['errors'][0]['reason'] == 'rateLimitExceeded'
    assert call('other@acme.com').status_code == 200
