"""Concurrent writes against the real processes: no 500s, no task crashes, no stuck outbox
(issue 8 §2).

8 web threads write what a busy team writes (attendees, notes, meeting edits, contacts and
Add contact, which re-link attendees across meetings), the Google fake pushes every change to
the webhook (and the test edits calendar-side events too), and the worker syncs and delivers
all along. Bounded: LOAD_SECONDS of load, then at most DRAIN_SECONDS for the outbox.
"""
import collections
import itertools
import random
import threading
import time

import requests

from server.db import db
from server.models import Contact
from tests.clock import ahead, iso
from tests.concurrency.conftest import REP, wait_for

THREADS = 8
LOAD_SECONDS = 30  # the 30 s of load
DRAIN_SECONDS = 60
MEETINGS = 4


def _setup(product):
    """CRM meetings on the calendar, and calendar-side events with a contact attending."""
    meeting_ids = []
    for n in range(MEETINGS):
        response = product.call('POST', '/meetings', json={
            'title': f'Account review {n}', 'start': iso(ahead(days=2 + n)),
            'end': iso(ahead(days=2 + n, hour=16)),
            'attendees': [{'email': f'buyer{n}@client.example'}]})
        assert response.status_code == 201, response.text
        meeting_ids.append(response.json()['id'])
    with db.connection_context():
        Contact.create(account=product.user.account_id, email='pat@client.example')
    events = [product.fake.store.add_event(
        REP, f'Customer sync {n}', start=ahead(days=3, hour=9 + n), end=ahead(days=3, hour=10 + n),
        attendees=['pat@client.example', f'guest{n}@client.example']).id for n in range(3)]
    return meeting_ids, events


def _writer(product, number, meeting_ids, stop, statuses, errors):
    session = requests.Session()
    session.headers.update(product.session.headers)
    rng = random.Random(number)
    added = []  # (meeting id, e-mail) this thread added
    for step in itertools.count():
        if stop.is_set():
            return
        meeting_id = rng.choice(meeting_ids)
        email = f'w{number}.{step}@client.example'
        url = f'{product.url}/meetings/{meeting_id}'
        try:
            kind = step % 5 if added or step % 5 != 4 else 0
            if kind == 0:
                response = session.post(url + '/attendees', json={'attendees': [{'email': email}]},
                                        timeout=30)
                if response.status_code == 200:
                    added.append((meeting_id, email))
            elif kind == 1:
                response = session.post(url + '/notes', json={'body': f'note {number}.{step}'},
                                        timeout=30)
            elif kind == 2:
                response = session.patch(url, json={'description': f'edit {number}.{step}'},
                                         timeout=30)
            elif kind == 3:
                # A contact whose e-mail attends meetings: links them (link_attendees).
                earlier = f'w{rng.randrange(THREADS)}.{rng.randrange(max(step, 1))}@client.example'
                response = session.post(f'{product.url}/contacts', json={'email': earlier},
                                        timeout=30)
            else:
                # Add contact for the attendee this thread added last: it must be there (B1).
                at, earlier = added[-1]
                response = session.post(f'{product.url}/meetings/{at}/attendees/{earlier}/contact',
                                        timeout=30)
            statuses[(kind, response.status_code)] += 1
        except requests.RequestException as error:
            errors.append(repr(error))


def _pusher(product, events, stop):
    """Edits on the calendar side: each one pushes to the webhook and syncs in the worker."""
    for step in itertools.count():
        if stop.wait(0.25):
            return
        product.fake.store.edit_event(events[step % len(events)], title=f'Customer sync {step}')


def test_concurrent_writes_answer_no_500_crash_no_task_and_drain_the_outbox(product):
    """Issue 8 §2: 8 web threads writing + pushes + the worker for LOAD_SECONDS → 0 responses
    ≥ 500, 0 unhandled task exceptions in the worker's log, the outbox empty within 60 s."""
    meeting_ids, events = _setup(product)
    stop, statuses, errors = threading.Event(), collections.Counter(), []
    threads = [threading.Thread(target=_writer, args=(product, n, meeting_ids, stop, statuses,
                                                      errors)) for n in range(THREADS)]
    threads.append(threading.Thread(target=_pusher, args=(product, events, stop)))
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(40)
    ended = time.monotonic()
    drained = wait_for(lambda: product.pending_outbox() == 0, DRAIN_SECONDS, interval=0.5)
    drain_seconds = time.monotonic() - ended
    server_errors = {k: n for k, n in statuses.items() if k[1] >= 500}
    crashed = product.processes.unhandled_task_errors()
    print(f'load: {sum(statuses.values())} responses {dict(statuses)}; >=500: {server_errors}; '
          f'client errors: {len(errors)}; unhandled task exceptions: {len(crashed)}; '
          f'outbox pending after load: {product.pending_outbox()} '
          f'(drained in {drain_seconds:.1f} s)')
    assert sum(statuses.values()) > 100  # the load happened
    assert not server_errors, product.processes.web_log()[-4000:]
    assert not statuses[(4, 404)], 'an attendee added in the CRM vanished (B1)'
    assert not errors, errors[:5]
    assert not crashed, product.processes.worker_log()[-6000:]
    assert drained, f'{product.pending_outbox()} outbox rows still pending'
