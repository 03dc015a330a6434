"""Fixtures for the real-process tests: the product (gunicorn + worker) on the tests' database,
a rep with a Google calendar connected at the fake, and a bounded wait."""
import time

import pytest
import requests

from server.db import db
from server.models import CalendarConnection, CalendarOutbox
from server.services import tokens, users
from tests.concurrency.processes import Processes
from tests.conftest import DATABASE_URL, make_app
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY, connect_to_fake

REP = 'rep@acme.com'


def wait_for(check, timeout, interval=0.2, what='condition'):
    """Poll ``check`` until it returns something truthy; give up after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class Product:
    """The running product, the test process's own app on the same database, and the rep."""

    def __init__(self, processes, app, fake, token, user):
        self.processes, self.app, self.fake, self.user = processes, app, fake, user
        self.url = processes.url + '/api/v1'
        self.session = requests.Session()
        self.session.headers['Authorization'] = f'Bearer {token}'

    def call(self, method, path, **kwargs):
        return self.session.request(method, self.url + path, timeout=30, **kwargs)

    def pending_outbox(self):
        with db.connection_context():
            return CalendarOutbox.select().where(CalendarOutbox.status == 'pending').count()


@pytest.fixture
def product(app, google_fake, tmp_path):
    """gunicorn + the worker on the tests' database; the rep's Google calendar connected (push
    channel open, first sync done)."""
    # Google pushes only to https; the product here is plain http on 127.0.0.1, so opt in.
    google_fake.allow_http_push = True
    config = dict(google_fake.config(), TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
                  CALENDAR_HTTP_TIMEOUT=5)
    processes = Processes(DATABASE_URL, tmp_path / 'product', env=config)
    processes.start()
    try:
        # The test process enqueues into the same job queue the worker reads.
        test_app = make_app(HUEY_IMMEDIATE=False, HUEY_SQLITE_PATH=processes.huey_path,
                            PUBLIC_URL=processes.url, **config)
        with test_app.app_context(), db.connection_context():
            user = users.create(email=REP, account_name='Acme', name='Rita Rep',
                                website_domain='acme.com')
            _, token = tokens.issue(user, name='concurrency')
        with test_app.app_context():
            connect_to_fake(google_fake, 'google', user, config)

        def started():
            with db.connection_context():
                synced = CalendarConnection.get(CalendarConnection.user == user.id).last_synced_at
            return synced is not None and google_fake.channels
        assert wait_for(started, 20), processes.worker_log()[-3000:]
        yield Product(processes, test_app, google_fake, token, user)
    finally:
        processes.stop()
