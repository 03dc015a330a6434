"""B2 for tasks under real concurrency: the panel's outbox and a second copy of the panel (or a
retry after a lost answer) send the same task at once, to gunicorn with the worker running.
One task is stored, and its reminder reaches the calendar once, inviting no one."""
import threading

import requests

from server.db import db
from server.models import Task
from tests.concurrency.conftest import wait_for

SENDERS = 8


def test_b2_one_task_and_one_reminder_when_the_same_task_arrives_eight_times_at_once(product):
    barrier = threading.Barrier(SENDERS)
    statuses, ids = [], []
    body = {'text': 'Call back about the DPA tomorrow 3pm', 'client_id': 'task-from-panel-1',
            'reminder': True}

    def send():
        session = requests.Session()
        session.headers.update(product.session.headers)
        barrier.wait(timeout=30)
        response = session.post(product.url + '/tasks', json=body, timeout=30)
        statuses.append(response.status_code)
        if response.status_code < 300:
            ids.append(response.json()['id'])

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # One 201 (created), the others 200 (the stored task again): never a 500 or a second task.
    assert len(statuses) == SENDERS and set(statuses) <= {200, 201}, statuses
    assert statuses.count(201) == 1 and len(set(ids)) == 1, statuses
    with db.connection_context():
        assert Task.select().where(Task.client_id == body['client_id']).count() == 1
    assert wait_for(lambda: product.pending_outbox() == 0, timeout=60)

    def reminders():
        return [e for e in product.fake.store.events.values()
                if not e.deleted and e.title.startswith('Call back about the DPA')]
    assert wait_for(lambda: len(reminders()) == 1, timeout=30), reminders()
    (event,) = reminders()
    assert event.attendees == [] and product.fake.store.invitations_for(event.id) == []
