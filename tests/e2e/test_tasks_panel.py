"""Issue 11 §2 in the panel: "/task ..." in the notes box (online and offline, B2), the Task
button, the parsed due date shown before Enter, and the Tasks view with its header badge."""
import datetime
import json
import time

import pytest
from playwright.sync_api import expect

from server.db import db
from server.models import Note, Task, TaskContact, utcnow
from server.services.due_dates import local_now
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ROOT, open_meeting, screenshot
from tests.e2e.keyboard import assert_keyboard_ready
from tests.e2e.test_offline_notes import (
    expected_refusals,
    open_notes,
    outbox_keys,
    wait_for_empty_outbox,
)

pytestmark = pytest.mark.e2e
ZONE = 'Asia/Taipei'  # the world's rep


def tasks_of(meeting_id=None):
    with db.connection_context():
        query = Task.select().order_by(Task.id)
        if meeting_id is not None:
            query = query.where(Task.meeting == meeting_id)
        return list(query)


def wait_for_tasks(count, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(tasks_of()) < count:
        time.sleep(0.2)
    return tasks_of()


def local_today():
    return local_now(utcnow(), ZONE).date()


def test_issue11_slash_task_shows_its_due_date_before_enter_and_creates_a_task(extension, server, world):
    panel = open_notes(extension, server, world)
    box = panel.locator('textarea')
    box.fill('/task call back tomorrow 3pm')
    preview = panel.locator('.task-preview[data-state="understood"]')
    expect(preview).to_be_visible()
    assert '15:00' in preview.inner_text()
    assert tasks_of() == []  # a preview creates nothing
    assert_accessible(panel, 'notes with a task preview')
    assert_keyboard_ready(panel, 'notes with a task preview')
    screenshot(panel, 'task-preview')
    box.press('Enter')
    expect(panel.locator('.task-result[data-state="created"]')).to_contain_text('call back')
    (task,) = tasks_of(world.demo.id)
    assert (task.title, task.due_date, task.due_time) == (
        'call back', local_today() + datetime.timedelta(days=1), datetime.time(15))
    with db.connection_context():
        assert [link.contact_id for link in TaskContact.select()] == [world.pat.id]
        assert Note.select().count() == 0  # a task, not a note
    expect(panel.locator('.notes li[data-state="empty"]')).to_have_count(1)
    assert box.input_value() == ''


def test_issue11_unparseable_date_gives_a_task_without_due_date_and_says_so(extension, server, world):
    panel = open_notes(extension, server, world)
    box = panel.locator('textarea')
    box.fill('/task ask Pat about the budget')
    expect(panel.locator('.task-preview[data-state="no-date"]')).to_be_visible()
    box.press('Enter')
    expect(panel.locator('.task-result[data-state="created-no-date"]')).to_be_visible()
    (task,) = tasks_of(world.demo.id)
    assert (task.title, task.due_date) == ('ask Pat about the budget', None)


def test_issue11_task_button_makes_a_task_without_the_slash(extension, server, world):
    panel = open_notes(extension, server, world)
    panel.locator('textarea').fill('/task')
    panel.locator('textarea').press('Enter')  # nothing to make a task of: the line stays
    assert panel.locator('textarea').input_value() == '/task' and tasks_of() == []
    panel.locator('textarea').fill('send the DPA friday')
    panel.get_by_role('button', name='Task', exact=True).click()
    expect(panel.locator('.task-result[data-state="created"]')).to_contain_text('send the DPA')
    (task,) = tasks_of(world.demo.id)
    today = local_today()
    assert task.due_date == today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)


def test_issue11_b2_a_task_typed_offline_is_sent_once_when_the_server_is_back(extension, server, world):
    panel = open_notes(extension, server, world)
    server.stop()
    box = panel.locator('textarea')
    box.fill('/task pricing follow-up in 2 weeks')
    expect(panel.locator('.task-preview[data-state="offline"]')).to_be_visible()
    box.press('Enter')
    expect(panel.locator('.queued-tasks li[data-state="pending"]')).to_have_count(1)
    assert len(outbox_keys(extension)) == 1
    assert_accessible(panel, 'notes with a queued task')
    screenshot(panel, 'task-pending')
    server.start()
    tasks = wait_for_tasks(1)
    assert wait_for_empty_outbox(extension) == []
    expect(panel.locator('.task-result[data-state="created"]')).to_contain_text('pricing follow-up')
    assert [(t.title, t.due_date, t.created_by_id) for t in tasks] == [
        ('pricing follow-up', local_today() + datetime.timedelta(days=14), world.rep.id)]
    # A further flush (the panel reopening) stores nothing new.
    panel.get_by_role('button', name='Refresh').click()
    extension.worker.evaluate("chrome.runtime.sendMessage({type: 'outbox-flush'}).catch(() => null)")
    time.sleep(1)
    assert len(tasks_of()) == 1
    with db.connection_context():
        assert Note.select().count() == 0
    expected_refusals(extension)


def seed_tasks(world):
    today = local_today()
    with db.connection_context():
        for title, days in (('Chase the invoice', -2), ('Send the DPA', 0),
                            ('Prepare the demo', 3), ('Someday', None)):
            Task.create(account=world.rep.account_id, owner=world.rep, created_by=world.rep,
                        title=title, meeting=world.demo.id,
                        due_date=None if days is None else today + datetime.timedelta(days=days))
        Task.create(account=world.rep.account_id, owner=world.colleague, title='Not mine',
                    due_date=today)


def test_issue11_tasks_view_groups_ticks_done_and_counts_in_the_badge(extension, server, world):
    seed_tasks(world)
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    badge = panel.locator('#tasks-badge')
    expect(badge).to_have_text('2')  # today + overdue, the rep's own
    panel.get_by_role('button', name='Tasks: 2 due today or overdue').click()
    panel.wait_for_selector('li.task')
    groups = panel.locator('h2.day').all_inner_texts()
    assert [g.lower() for g in groups] == ['overdue', 'today', 'later', 'no due date']
    assert 'Not mine' not in panel.inner_text('main')
    assert_accessible(panel, 'tasks view')
    assert_keyboard_ready(panel, 'tasks view')
    screenshot(panel, 'tasks-view')
    panel.get_by_label('Chase the invoice').check()
    expect(panel.locator('li.task[data-state="done"]')).to_have_count(1)
    expect(badge).to_have_text('1')
    with db.connection_context():
        assert Task.get(Task.title == 'Chase the invoice').done
    # The meeting a task came from opens from its row.
    panel.locator('li.task', has_text='Send the DPA').get_by_role(
        'button', name='Globex product demo').click()
    panel.wait_for_selector('nav.tabs')


def test_issue11_tasks_view_and_task_line_in_traditional_chinese(new_extension, server, world):
    with open(ROOT / '_locales' / 'zh_TW' / 'messages.json', encoding='utf-8') as f:
        text = {k: v['message'] for k, v in json.load(f).items()}
    seed_tasks(world)
    extension = new_extension('zh-TW')
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    expect(panel.locator('#tasks-badge')).to_have_text('2')
    panel.locator('#tasks').click()
    panel.wait_for_selector('li.task')
    assert panel.locator('h1').inner_text() == text['tasksTitle']
    assert text['tasks_overdue'] in panel.inner_text('main')
    assert_accessible(panel, 'tasks view zh-TW')
    screenshot(panel, 'tasks-view-zh-TW')
    panel.locator('#back').click()
    open_meeting(panel, 'Globex product demo')
    panel.get_by_role('tab').nth(1).click()
    box = panel.locator('textarea')
    box.fill('/task 回電 下星期一 下午3點')
    expect(panel.locator('.task-preview[data-state="understood"]')).to_contain_text('15:00')
    box.press('Enter')
    expect(panel.locator('.task-result[data-state="created"]')).to_be_visible()
    task = tasks_of(world.demo.id)[-1]
    today = local_today()
    assert (task.title, task.due_time) == ('回電', datetime.time(15))
    assert task.due_date == today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=1)
    assert_accessible(panel, 'notes zh-TW with a task')
    assert not extension.errors, extension.errors


def test_issue11_b9_a_task_typed_by_one_user_is_never_created_as_the_next_one(extension, server, world):
    """The task waits in the notes' outbox with its author: another user signing in on the
    same browser never sends it; its author signing in again does, as theirs."""
    panel = open_notes(extension, server, world)
    server.stop()
    panel.locator('textarea').fill('/task send the DPA friday')
    panel.locator('textarea').press('Enter')
    expect(panel.locator('.queued-tasks li[data-state="pending"]')).to_have_count(1)
    panel.close()
    server.start()
    extension.sign_in(server, world.colleague_token)  # Carl, on the same browser
    carl = extension.open_panel()  # opening the panel asks the worker to send what waits
    carl.wait_for_selector('[data-state="not-connected"]')
    time.sleep(6)  # longer than a probe interval: any wrong send would have happened
    assert tasks_of() == [] and len(outbox_keys(extension)) == 1
    extension.storage('chrome.storage.local.remove("token")')
    extension.sign_in(server, world.token)  # Rita again: her task goes, as hers
    (task,) = wait_for_tasks(1, timeout=15)
    assert (task.title, task.owner_id, task.created_by_id, task.meeting_id) == (
        'send the DPA', world.rep.id, world.rep.id, world.demo.id)
    assert wait_for_empty_outbox(extension) == []
    expected_refusals(extension)
