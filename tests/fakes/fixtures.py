"""Pytest fixtures that start the provider fakes, plus factories for scripts and other suites."""
import pytest

from tests.fakes.google_fake import GoogleFake
from tests.fakes.graph_fake import GraphFake

# Retry settings that keep fault tests fast: tiny backoff, 1 s HTTP timeout.
FAST_RETRIES = {'CALENDAR_RETRY_ATTEMPTS': 3, 'CALENDAR_BACKOFF_BASE': 0.01,
                'CALENDAR_RETRY_MAX_DELAY': 0.5, 'CALENDAR_HTTP_TIMEOUT': 1.0}
# A valid Fernet key for tests (never used outside them).
TEST_ENCRYPTION_KEY = 'OfTkKFgA9aIRQ3OVUCSaRU6WLoDosMbwr4LCtohCjD4='


def start_fake(cls, **kwargs):
    """Start a fake whose 'timeout' faults outlast the FAST_RETRIES HTTP timeout."""
    fake = cls(**kwargs).start()
    fake.faults.slow_seconds = FAST_RETRIES['CALENDAR_HTTP_TIMEOUT'] + 0.5
    return fake


def provider_config(fake, **overrides):
    """The config mapping a provider needs to talk to ``fake`` with fast retries."""
    return dict(FAST_RETRIES, **fake.config(), **overrides)


def fake_fixture(cls, name):
    """A fixture called ``name`` that starts a ``cls`` fake for one test and stops it after."""
    @pytest.fixture(name=name)
    def fake():
        started = start_fake(cls)
        yield started
        started.stop()
    return fake


google_fake = fake_fixture(GoogleFake, 'google_fake')
graph_fake = fake_fixture(GraphFake, 'graph_fake')


@pytest.fixture
def google_config(google_fake):
    return provider_config(google_fake)


@pytest.fixture
def graph_config(graph_fake):
    return provider_config(graph_fake)


def connect_memory_calendar(app, user):
    """``user``'s in-memory calendar, connected now; every provider the app asks for is it."""
    from server.db import db
    from server.models import CalendarConnection, utcnow
    from tests.fakes.memory_provider import MemoryCalendar, MemoryProvider
    calendar = MemoryCalendar(owner=user.email)
    calendar.provider = MemoryProvider(calendar)
    app.config['CALENDAR_PROVIDER_FACTORY'] = lambda connection, config: calendar.provider
    with db.connection_context():
        CalendarConnection.create(account=user.account_id, user=user.id, provider='memory',
                                  provider_email=user.email, connected_at=utcnow())
    return calendar


def connect_to_fake(fake, provider, user, config):
    """Connect ``user``'s ``provider`` calendar at ``fake`` through the app's own connect, "a
    moment ago": the fake's clock has whole seconds, and R4 must admit an event made right
    after. Returns the connection."""
    import datetime
    from server.calendars.base import Credentials
    from server.db import db
    from server.models import CalendarConnection
    from server.services import connections
    tokens = fake.grant(user.email)
    with db.connection_context():
        connection = connections.connect(
            user, provider, user.email,
            Credentials(tokens['access_token'], tokens['refresh_token']), config)
        connection.connected_at -= datetime.timedelta(seconds=2)
        (CalendarConnection.update(connected_at=connection.connected_at)
         .where(CalendarConnection.id == connection.id).execute())
    return connection


def connect_with_contact(app, fake, provider, user, contact_email, **config):
    """Point the app at ``fake`` (fast retries, pushes dropped, the test key unless ``config``
    says otherwise), give ``user``'s account the contact ``contact_email`` and connect
    ``user``'s ``provider`` calendar there. Returns ``fake``."""
    from server.db import db
    from server.models import Contact
    fake.push_sink = lambda url, headers, body: None
    app.config.update(fake.config(), **{**FAST_RETRIES, 'TOKEN_ENCRYPTION_KEY': TEST_ENCRYPTION_KEY,
                                        **config})
    with db.connection_context():
        Contact.create(account=user.account_id, email=contact_email)
    connect_to_fake(fake, provider, user, app.config)
    return fake
