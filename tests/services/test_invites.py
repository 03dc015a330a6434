"""Issue 13 §1: an invite link is single-use even when two browsers accept it at the same
moment (compare-and-set on the invite; the e-mail stays one user)."""
import threading

from server.db import db
from server.errors import ServiceError
from server.models import Invite, User
from server.services import invites
from tests.web.conftest import make_user

FORM = {'name': 'Sam', 'password': 'a good password', 'confirm': 'a good password'}


def test_issue13_two_simultaneous_acceptances_make_one_user(app):
    admin = make_user('rita@acme.example', 'Acme')
    with db.connection_context():
        _, token = invites.create(admin, {'email': 'sam@acme.example', 'role': 'member'})
    barrier, outcomes = threading.Barrier(4), []

    def accept():
        barrier.wait()
        try:
            with db.connection_context():
                outcomes.append('joined' if invites.accept(token, FORM) else 'refused')
        except ServiceError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 4 and set(outcomes) <= {'joined', 'refused', 'already_in_an_account'}
    assert outcomes.count('joined') == 1, outcomes
    with db.connection_context():
        assert User.select().where(User.email == 'sam@acme.example').count() == 1
        assert Invite.get().accepted_user_id is not None
