"""Revoking a provider's OAuth grant (server.calendars.revocation) against the Google fake."""
import logging

import requests

from server import config as app_config
from server.calendars import revocation
from server.calendars.base import Credentials


def test_google_revoke_uri_defaults_to_googles_address(tmp_path, monkeypatch):
    monkeypatch.delenv('GOOGLE_REVOKE_URI', raising=False)
    assert app_config.from_environment(str(tmp_path))['GOOGLE_REVOKE_URI'] == \
        'https://oauth2.googleapis.com/revoke'
    monkeypatch.setenv('GOOGLE_REVOKE_URI', 'https://proxy.example/revoke')
    assert app_config.from_environment(str(tmp_path))['GOOGLE_REVOKE_URI'] == \
        'https://proxy.example/revoke'


def test_revoking_the_refresh_token_is_confirmed_by_google(google_fake, google_config):
    tokens = google_fake.grant('rep@acme.com')
    credentials = Credentials(tokens['access_token'], tokens['refresh_token'])
    assert revocation.revoke('google', credentials, google_config) is True
    assert google_fake.revoked == ['rep@acme.com']
    form = {'grant_type': 'refresh_token', 'refresh_token': tokens['refresh_token'],
            'client_id': google_fake.client_id, 'client_secret': google_fake.client_secret}
    assert requests.post(google_fake.url + '/token', data=form, timeout=5).status_code == 400


def test_a_lost_answer_is_a_warning_though_google_revoked(google_fake, google_config, caplog):
    tokens = google_fake.grant('rep@acme.com')
    google_fake.faults.fail_next('lost')
    with caplog.at_level(logging.WARNING, logger='server.calendars.revocation'):
        assert revocation.revoke('google', Credentials('', tokens['refresh_token']),
                                 google_config, label='connection 7') is False
    assert 'could not revoke the google grant of connection 7' in caplog.text
    assert google_fake.revoked == ['rep@acme.com']


def test_nothing_to_revoke_without_a_token_or_a_revocation_endpoint(
        google_fake, google_config, caplog):
    with caplog.at_level(logging.WARNING, logger='server.calendars.revocation'):
        assert revocation.revoke('google', Credentials(''), google_config) is False
    assert 'no token is stored' in caplog.text
    assert revocation.supported('google') and not revocation.supported('outlook')
    assert revocation.revoke('outlook', Credentials('at', 'rt'), google_config) is False
    assert [hit for hit in google_fake.hits if hit[1] == '/revoke'] == []
