"""Issue 9 §5 / R21: the not-connected screen notices a calendar connected meanwhile."""
import pytest

from server.db import db
from server.models import CalendarConnection

pytestmark = pytest.mark.e2e


def _disconnect(world):
    with db.connection_context():
        CalendarConnection.delete().execute()


def _connect(world):
    with db.connection_context():
        CalendarConnection.create(account=world.rep.account_id, user=world.rep, provider='google',
                                  provider_email=world.rep.email, status='connected')


def test_r21_not_connected_turns_into_the_list_when_the_panel_regains_focus(extension, server, world):
    _disconnect(world)
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('[data-state="not-connected"]')
    _connect(world)  # as if connected in the server's Settings tab
    panel.evaluate("dispatchEvent(new FocusEvent('focus'))")
    panel.wait_for_selector('button.meeting')
    assert panel.locator('[data-state="not-connected"]').count() == 0


def test_r21_not_connected_rechecks_every_minute(new_extension, server, world):
    extension = new_extension()  # a fake clock stays installed on its whole browser context
    _disconnect(world)
    extension.sign_in(server, world.token)
    page = extension.context.new_page()
    page.clock.install()
    page.goto(extension.url('extension/sidepanel/index.html'))
    page.wait_for_selector('[data-state="not-connected"]')
    _connect(world)
    page.clock.run_for(50_000)
    page.wait_for_timeout(300)
    assert page.locator('[data-state="not-connected"]').count() == 1
    page.clock.run_for(11_000)
    page.wait_for_selector('button.meeting')
    assert not extension.errors, extension.errors
