"""GET/PATCH /me: the caller's time zone, name and language (B5, issue 9 §1)."""
from server.db import db
from server.models import User


def test_b5_me_exposes_the_time_zone(caller):
    user = caller.get('/me').json['user']
    assert user['time_zone'] == 'UTC' and user['time_zone_source'] == 'calendar'
    assert user['language'] == 'en'


def test_b5_patch_me_sets_a_zone_the_syncs_keep(caller):
    resp = caller.patch('/me', json={'time_zone': 'America/New_York', 'name': 'Rita R.',
                                     'language': 'zh-TW'})
    assert resp.status_code == 200, resp.json
    assert resp.json['user']['time_zone'] == 'America/New_York'
    assert resp.json['user']['time_zone_source'] == 'user'
    assert resp.json['user']['name'] == 'Rita R.' and resp.json['user']['language'] == 'zh-TW'
    assert caller.get('/me').json['user']['time_zone'] == 'America/New_York'


def test_b5_unknown_zone_is_a_422_naming_the_field_and_writes_nothing(caller):
    for bad in ('Mars/Olympus_Mons', 'Eastern Standard Time', '../../etc/passwd', 'europe/berlin', ''):
        resp = caller.patch('/me', json={'time_zone': bad, 'name': 'Changed'})
        assert resp.status_code == 422, (bad, resp.json)
        assert 'time_zone' in resp.json['errors'], resp.json
    with db.connection_context():
        user = User.get_by_id(caller.user.id)
    assert (user.time_zone, user.time_zone_source, user.name) == ('UTC', 'calendar', 'Rita Rep')


def test_b5_patch_me_refuses_an_unknown_language_and_an_empty_body(caller):
    resp = caller.patch('/me', json={'language': 'fr'})
    assert resp.status_code == 422 and 'language' in resp.json['errors']
    assert caller.patch('/me', json={}).status_code == 422
