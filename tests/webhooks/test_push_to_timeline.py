"""End to end: an event created in the (fake) Google or Outlook calendar reaches the contact's
timeline through the provider's push (over real HTTP: Google watch channels, Graph subscriptions
with their validation handshake), the queue (SQLite huey) and a running worker."""
import threading
import time

import pytest
from werkzeug.serving import make_server

from server import tasks
from server.db import db
from server.models import CalendarConnection, Contact, Meeting, MeetingContact
from tests.fakes.fixtures import FAST_RETRIES, TEST_ENCRYPTION_KEY, connect_to_fake


@pytest.fixture(params=['google', 'outlook'])
def live(request, app, tmp_path):
    """The app on a real port, a real queue and a worker consuming it; the provider's fake."""
    fake = request.getfixturevalue('google_fake' if request.param == 'google' else 'graph_fake')
    fake.provider = request.param
    fake.allow_http_push = True  # the app listens on plain http at 127.0.0.1
    server = make_server('127.0.0.1', 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(fake.config(), **FAST_RETRIES, TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY,
                      PUBLIC_URL=f'http://127.0.0.1:{server.server_port}', HUEY_IMMEDIATE=False,
                      HUEY_SQLITE_PATH=str(tmp_path / 'huey.sqlite3'))
    tasks.configure(app)
    consumer = tasks.huey.create_consumer(workers=2, worker_type='thread', periodic=False)
    consumer._set_signal_handlers = lambda: None  # not the main thread
    worker = threading.Thread(target=consumer.run, daemon=True)
    worker.start()
    yield fake
    consumer.stop(graceful=True)
    worker.join(10)
    server.shutdown()
    app.config['HUEY_IMMEDIATE'] = True
    tasks.configure(app)


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.connection_context():
            found = predicate()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError('timed out')


def test_r8_push_from_the_calendar_puts_the_meeting_on_the_contact_timeline(live, caller):
    with db.connection_context():
        contact = Contact.create(account=caller.user.account_id, email='ann@client.example')
    connect_to_fake(live, live.provider, caller.user, caller.client.application.config)
    # Connecting opened a push channel and ran the first sync, in the worker.
    channel = wait_for(lambda: CalendarConnection.get().channel_id
                       and CalendarConnection.get().last_synced_at and CalendarConnection.get())
    assert channel.channel_id in (live.channels if live.provider == 'google' else live.subscriptions)

    event = live.store.add_event(caller.user.email, 'Intro with Ann',
                                 attendees=['Ann@Client.example', 'bob@acme.com'])
    meeting = wait_for(lambda: Meeting.get_or_none(Meeting.provider_event_id == event.id))
    with db.connection_context():
        assert MeetingContact.get(MeetingContact.meeting == meeting.id).contact_id == contact.id
    page = caller.get(f'/contacts/{contact.id}/timeline')
    assert page.status_code == 200 and 'Intro with Ann' in page.get_data(as_text=True)

    # R9 through the same path: deleting the event in the calendar takes it off the timeline.
    live.store.delete_event(event.id)
    wait_for(lambda: Meeting.get_or_none(Meeting.provider_event_id == event.id) is None)
