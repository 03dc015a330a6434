"""Issue 13 §1: an invite link is single-use even when two browsers accept it at the same
moment (compare-and-set on the invite; the e-mail stays one user)."""
import threading

from server.db import db
from server.errors import ServiceError
from server.models import Invite, User
from server.services import invites
from tests.web.conftest import make_user

FORM = {'name': 'Sam', 'password': 'a good password', 'confirm': 'a good password'}


def _accept_at_once(token, times=4):
    """``times`` browsers accepting ``token`` at the same moment: their outcomes."""
    barrier, outcomes = threading.Barrier(times), []

    def accept():
        barrier.wait()
        try:
            with db.connection_context():
                outcomes.append('joined' if invites.accept(token, FORM) else 'refused')
        except ServiceError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=accept) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == times
    return outcomes


def test_issue13_two_simultaneous_acceptances_make_one_user(app):
    admin = make_user('rita@acme.example', 'Acme')
    with db.connection_context():
        _, token = invites.create(admin, {'email': 'sam@acme.example', 'role': 'member'})
    outcomes = _accept_at_once(token)
    assert set(outcomes) <= {'joined', 'refused', 'already_in_an_account'}
    assert outcomes.count('joined') == 1, outcomes
    with db.connection_context():
        assert User.select().where(User.email == 'sam@acme.example').count() == 1
        assert Invite.get().accepted_user_id is not None


def test_issue13_a_removed_member_accepting_at_once_is_restored_once(app):
    """The restore path (a removed member invited back) under the same race: one acceptance
    restores the member, the others are refused; still one user, active."""
    admin = make_user('rita@acme.example', 'Acme')
    sam = make_user('sam@acme.example', 'Acme', name='Sam')
    with db.connection_context():
        User.update(is_active=False).where(User.id == sam.id).execute()
        _, token = invites.create(admin, {'email': 'sam@acme.example', 'role': 'member'})
    outcomes = _accept_at_once(token)
    assert sorted(outcomes) == ['joined', 'refused', 'refused', 'refused'], outcomes
    with db.connection_context():
        [back] = User.select().where(User.email == 'sam@acme.example')
        assert (back.id, back.is_active) == (sam.id, True)
        assert Invite.get().accepted_user_id == sam.id
