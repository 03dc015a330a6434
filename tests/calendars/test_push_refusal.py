"""Issue 8 §3: Google and Graph push only to https addresses, and so do their fakes.

Google answers an http watch address with 400, domain "push", reason "webhookUrlNotHttps",
"WebHook callback must be HTTPS: <address>"; Graph answers an http notificationUrl with 400
InvalidRequest "NotificationUrl scheme='http' is not supported." before any validation request.
The providers turn both into PushAddressRefused. A test whose app listens on plain http opts in
with ``fake.allow_http_push = True``.
"""
import pytest
import requests

from server.calendars.base import PushAddressRefused
from tests.clock import ahead, iso
from tests.fakes.google_fake import CALENDAR_PREFIX
from tests.fakes.graph_fake import GRAPH
from tests.fakes.harness import GoogleHarness, OutlookHarness

HTTP_ADDRESS = 'http://127.0.0.1:5000/webhooks/'


@pytest.fixture
def google(google_fake, google_config):
    harness = GoogleHarness(google_fake, google_config)
    yield harness
    harness.close()


@pytest.fixture
def outlook(graph_fake, graph_config):
    harness = OutlookHarness(graph_fake, graph_config)
    yield harness
    harness.close()


def bearer(fake):
    return {'Authorization': 'Bearer ' + fake.grant('rep@acme.com')['access_token']}


def test_issue8_google_fake_refuses_an_http_watch_address_in_googles_error_shape(google):
    address = HTTP_ADDRESS + 'google'
    answer = requests.post(f'{google.fake.url}{CALENDAR_PREFIX}/calendars/primary/events/watch',
                           headers=bearer(google.fake), timeout=5,
                           json={'id': 'chan-http', 'type': 'web_hook', 'address': address})
    assert answer.status_code == 400
    error = answer.json()['error']
    assert error['code'] == 400
    assert error['message'] == f'WebHook callback must be HTTPS: {address}'
    assert error['errors'] == [{'domain': 'push', 'reason': 'webhookUrlNotHttps',
                                'message': error['message']}]
    assert 'chan-http' not in google.fake.channels and google.pushes == []


def test_issue8_google_provider_reports_the_refusal_as_push_address_refused(google):
    with pytest.raises(PushAddressRefused, match='webhookUrlNotHttps'):
        google.provider().watch(HTTP_ADDRESS + 'google', 'chan-http', 'tok', 600)
    google.fake.allow_http_push = True  # a test's opt-in
    channel = google.provider().watch(HTTP_ADDRESS + 'google', 'chan-ok', 'tok', 600)
    assert channel.id == 'chan-ok' and google.pushes[0][0] == HTTP_ADDRESS + 'google'


def test_issue8_graph_fake_refuses_an_http_notification_url_before_validating(outlook):
    answer = requests.post(f'{outlook.fake.url}{GRAPH}/subscriptions', headers=bearer(outlook.fake),
                           timeout=5, json={'changeType': 'created', 'resource': '/me/events',
                                            'notificationUrl': HTTP_ADDRESS + 'outlook',
                                            'expirationDateTime': iso(ahead(days=1))})
    assert answer.status_code == 400
    error = answer.json()['error']
    assert (error['code'], error['message']) == (
        'InvalidRequest', "NotificationUrl scheme='http' is not supported.")
    assert outlook.pushes == [] and outlook.fake.subscriptions == {}  # no validation request


def test_issue8_outlook_provider_reports_the_refusal_as_push_address_refused(outlook):
    with pytest.raises(PushAddressRefused, match='not supported'):
        outlook.provider().watch(HTTP_ADDRESS + 'outlook', 'x', 'state', 3600)
    assert outlook.pushes == []
