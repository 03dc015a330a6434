"""Issue 11 §2: tasks on the record pages and "Due today" on the web home (B5 zone)."""
import pytest

from server.db import db
from server.models import Task, TaskContact, TaskDeal, User
from tests.clock import DAY, today
from tests.web.conftest import Browser


def signed_in_now(browser, rep):
    """The session again, signed at the clock's new time: after noon UTC, moving the clock
    back to noon left the cookie signed in the future, which itsdangerous refuses (signed out)."""
    return Browser(browser.client, rep)


def add_task(user, title, days=None, done=False, **links):
    from server.services import due_dates
    local = due_dates.local_now(today(hour=12), user.time_zone).date()
    with db.connection_context():
        task = Task.create(account=user.account_id, owner=user, created_by=user, title=title,
                           due_date=None if days is None else local + days * DAY, done=done)
        for contact in links.get('contacts', ()):
            TaskContact.create(task=task, contact=contact)
        for deal in links.get('deals', ()):
            TaskDeal.create(task=task, deal=deal)
    return task


def test_issue11_home_shows_my_tasks_due_today_and_overdue(browser, rep, clock):
    clock.move_to(today(hour=12))
    browser = signed_in_now(browser, rep)
    add_task(rep, 'Send the DPA', 0)
    add_task(rep, 'Chase the invoice', -3)
    add_task(rep, 'Prepare the demo', 2)
    add_task(rep, 'Already sent', 0, done=True)
    page = browser.get('/').get_data(as_text=True)
    section = page[page.index('id="due-today"'):page.index('Your upcoming meetings')]
    assert 'Send the DPA' in section and 'Chase the invoice' in section and 'Overdue' in section
    assert 'Prepare the demo' not in section and 'Already sent' not in section


def test_issue11_home_nothing_due(browser):
    assert 'Nothing due today.' in browser.get('/').get_data(as_text=True)


@pytest.mark.parametrize('plural', ['contacts', 'deals'])
def test_issue11_record_page_lists_its_tasks(browser, rep, crm, plural):
    add_task(rep, 'About Hank', 1, contacts=[crm['contact']])
    add_task(rep, 'About the renewal', 1, deals=[crm['deal']])
    page = browser.get(f"/{plural}/{crm[plural].id}").get_data(as_text=True)
    section = page[page.index('id="tasks"'):page.index('id="schedule"')]
    mine, other = ('About Hank', 'About the renewal') if plural == 'contacts' else (
        'About the renewal', 'About Hank')
    assert mine in section and other not in section


def test_issue11_ticket_pages_have_no_tasks_section(browser, crm):
    page = browser.get(f"/tickets/{crm['ticket'].id}").get_data(as_text=True)
    assert 'id="tasks"' not in page


def test_issue11_add_a_task_from_a_record_page_reads_its_due_date(browser, rep, crm):
    contact = crm['contact']
    resp = browser.post('/tasks', {'text': 'send the DPA tomorrow', 'contact_ids': contact.id,
                                   'next': f'/contacts/{contact.id}#tasks'})
    assert resp.status_code == 302 and resp.headers['Location'].endswith(
        f'/contacts/{contact.id}#tasks')
    with db.connection_context():
        task = Task.get()
        assert task.title == 'send the DPA' and task.due_date == today().date() + DAY
        assert [link.contact_id for link in TaskContact.select()] == [contact.id]
    page = browser.get(f'/contacts/{contact.id}').get_data(as_text=True)
    assert 'send the DPA' in page


def test_issue11_a_record_of_another_account_is_refused_when_adding(browser, rep, crm):
    from server.models import Contact
    from tests.web.conftest import make_user
    eve = make_user('eve@globex.example', 'Globex')
    with db.connection_context():
        theirs = Contact.create(account=eve.account_id, email='x@y.example')
    browser.post('/tasks', {'text': 'sneak', 'contact_ids': theirs.id})
    with db.connection_context():
        assert Task.select().count() == 0


def test_issue11_tick_done_from_the_page(browser, rep, crm, clock):
    clock.move_to(today(hour=12))
    browser = signed_in_now(browser, rep)
    task = add_task(rep, 'Send the DPA', 0)
    browser.post(f'/tasks/{task.id}/done', {'done': '1', 'next': '/'})
    with db.connection_context():
        assert Task.get_by_id(task.id).done
    assert 'Send the DPA' not in browser.get('/').get_data(as_text=True)


def test_issue11_ticking_a_task_of_another_account_is_not_found(browser, rep):
    from tests.web.conftest import make_user
    eve = make_user('eve@globex.example', 'Globex')
    task = add_task(eve, 'Theirs', 0)
    assert browser.post(f'/tasks/{task.id}/done', {'done': '1'}).status_code == 404
    with db.connection_context():
        assert not Task.get_by_id(task.id).done and User.select().count() == 2
