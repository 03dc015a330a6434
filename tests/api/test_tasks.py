"""Issue 11 §2 and §5: /api/v1/tasks -- CRUD, due filters in the user's zone (B5), text
parsed server-side, idempotent creation (B2), 422s naming the field, constant SQL per list."""
import datetime

import pytest
from playhouse.test_utils import count_queries

from server.db import db
from server.models import Task, TaskContact
from tests.clock import DAY, iso_ahead, today


def local_today(zone_offset_hours):
    return (today(hour=17) + datetime.timedelta(hours=zone_offset_hours)).date()


@pytest.fixture
def taipei(caller, clock):
    """The caller in Taipei (UTC+8, no DST), the clock at 17:00 UTC: already tomorrow there."""
    clock.move_to(today(hour=17))
    assert caller.patch('/me', json={'time_zone': 'Asia/Taipei'}).status_code == 200
    return caller


def records(caller):
    company = caller.post('/companies', json={'name': 'Client Corp'}).json
    contact = caller.post('/contacts', json={'email': 'ana@client.example', 'first_name': 'Ana',
                                             'company_id': company['id']}).json
    deal = caller.post('/deals', json={'name': 'Client renewal', 'company_id': company['id']}).json
    return contact, company, deal


def test_issue11_task_with_associations_reads_back(caller):
    contact, company, deal = records(caller)
    due = (today() + 3 * DAY).date().isoformat()
    made = caller.post('/tasks', json={
        'title': 'Send the DPA', 'due_date': due, 'due_time': '15:30',
        'contact_ids': [contact['id']], 'company_ids': [company['id']], 'deal_ids': [deal['id']]})
    assert made.status_code == 201, made.json
    task = caller.get(f"/tasks/{made.json['id']}").json
    assert (task['title'], task['due_date'], task['due_time'], task['done']) == (
        'Send the DPA', due, '15:30', False)
    assert [c['id'] for c in task['contacts']] == [contact['id']]
    assert [c['name'] for c in task['companies']] == ['Client Corp']
    assert [d['name'] for d in task['deals']] == ['Client renewal']
    assert task['owner']['id'] == caller.user.id


@pytest.mark.parametrize('field', ['contact_ids', 'company_ids', 'deal_ids'])
def test_issue11_unknown_association_id_is_a_422_naming_the_field(caller, make_caller, field):
    """§5: an id of another account is as unknown as one that does not exist; nothing written."""
    other = make_caller('eve@globex.example', account='Globex')
    theirs = records(other)[['contact_ids', 'company_ids', 'deal_ids'].index(field)]
    for ids in ([theirs['id']], [2_000_000]):
        resp = caller.post('/tasks', json={'title': 'x', field: ids})
        assert resp.status_code == 422 and list(resp.json['errors']) == [field], resp.json
    with db.connection_context():
        assert Task.select().count() == 0


@pytest.mark.parametrize('body, field', [
    ({'title': 'x' * 10_000}, 'title'),
    ({'title': ''}, 'title'),
    ({'title': '   '}, 'title'),
    ({'text': '  '}, 'text'),
    ({'title': 'x', 'due_date': 'friday'}, 'due_date'),
    ({'title': 'x', 'due_time': '15:00'}, 'due_time'),
    ({'title': 'x', 'due_date': None, 'due_time': '25:00'}, 'due_time'),
    ({'title': 'x', 'meeting_id': 2_000_000}, 'meeting_id'),
    ({'title': 'x', 'owner_id': 2_000_000}, 'owner_id'),
    ({}, 'title'),
    ({'title': 'x', 'text': 'y'}, 'text'),
    ({'text': 'x' * 10_000}, 'text'),
])
def test_issue11_bad_task_input_is_a_422_naming_the_field(caller, body, field):
    resp = caller.post('/tasks', json=body)
    assert resp.status_code == 422 and field in resp.json['errors'], resp.json


@pytest.mark.parametrize('years', [11, -2])
def test_issue11_due_date_out_of_range_is_a_422(caller, years):
    due = (today() + years * 366 * DAY).date().isoformat()
    resp = caller.post('/tasks', json={'title': 'x', 'due_date': due})
    assert resp.status_code == 422 and 'due_date' in resp.json['errors']
    first = caller.post('/tasks', json={'title': 'x'}).json
    resp = caller.patch(f"/tasks/{first['id']}", json={'due_date': due})
    assert resp.status_code == 422 and 'due_date' in resp.json['errors']


def test_issue11_due_filters_are_in_the_users_zone(taipei):
    """B5: at 17:00 UTC it is tomorrow in Taipei: "today" is Taipei's today."""
    local = local_today(8)
    for title, days in (('late', -2), ('yesterday', -1), ('now', 0), ('soon', 3),
                        ('next week', 7), ('far', 30)):
        assert taipei.post('/tasks', json={
            'title': title, 'due_date': (local + days * DAY).isoformat()}).status_code == 201
    taipei.post('/tasks', json={'title': 'undated'})
    done = taipei.post('/tasks', json={'title': 'done late',
                                       'due_date': (local - DAY).isoformat()}).json
    taipei.patch(f"/tasks/{done['id']}", json={'done': True})

    def titles(query):
        resp = taipei.get('/tasks?' + query)
        assert resp.status_code == 200, resp.json
        return [t['title'] for t in resp.json['items']]
    assert titles('owner=me&due=today') == ['now']
    assert titles('owner=me&due=overdue&done=false') == ['late', 'yesterday']
    assert titles('owner=me&due=week') == ['now', 'soon']
    assert titles('owner=me&done=false') == ['late', 'yesterday', 'now', 'soon', 'next week',
                                             'far', 'undated']
    assert 'done late' in titles('done=true')
    page = taipei.get('/tasks?owner=me').json
    assert (page['due_today'], page['overdue']) == (1, 2)
    flags = {t['title']: (t['due_today'], t['overdue']) for t in page['items']}
    assert flags['now'] == (True, False) and flags['late'] == (False, True)
    assert flags['done late'] == (False, False)


def test_issue11_owner_me_leaves_out_colleagues_tasks(caller, make_caller):
    colleague = make_caller('bo@acme.com', account='Acme', name='Bo')
    caller.post('/tasks', json={'title': 'mine'})
    given = caller.post('/tasks', json={'title': 'theirs', 'owner_id': colleague.user.id})
    assert given.status_code == 201 and given.json['owner']['name'] == 'Bo'
    assert [t['title'] for t in caller.get('/tasks?owner=me').json['items']] == ['mine']
    assert [t['title'] for t in colleague.get('/tasks?owner=me').json['items']] == ['theirs']
    assert len(caller.get('/tasks').json['items']) == 2


def test_issue11_task_lists_are_constant_sql(caller):
    """§2: the list costs the same statements for 2 tasks as for 30, associations included."""
    contact, company, deal = records(caller)
    links = {'contact_ids': [contact['id']], 'company_ids': [company['id']],
             'deal_ids': [deal['id']]}
    for n in range(30):
        caller.post('/tasks', json={'title': f'task {n}', **links,
                                    'due_date': (today() + n * DAY).date().isoformat()})
    caller.get('/me')
    with count_queries() as few:
        assert len(caller.get('/tasks?limit=2').json['items']) == 2
    with count_queries() as many:
        items = caller.get('/tasks?limit=30&done=false').json['items']
        assert len(items) == 30 and all(t['deals'] for t in items)
    assert few.count == many.count == 6  # token, tasks, contacts, companies, deals, counts


def test_issue11_filters_by_record(caller):
    contact, company, deal = records(caller)
    caller.post('/tasks', json={'title': 'about Ana', 'contact_ids': [contact['id']]})
    caller.post('/tasks', json={'title': 'about the deal', 'deal_ids': [deal['id']]})
    assert [t['title'] for t in caller.get(f"/tasks?contact_id={contact['id']}").json[
        'items']] == ['about Ana']
    assert [t['title'] for t in caller.get(f"/tasks?deal_id={deal['id']}").json[
        'items']] == ['about the deal']
    assert caller.get(f"/tasks?company_id={company['id']}").json['items'] == []


def meeting_with_contact(caller):
    contact = caller.post('/contacts', json={'email': 'ana@client.example'}).json
    meeting = caller.post('/meetings', json={
        'title': 'Discovery', 'start': iso_ahead(days=1, hour=10),
        'end': iso_ahead(days=1, hour=11),
        'attendees': [{'email': 'ana@client.example'}, {'email': 'x@elsewhere.example'}]}).json
    return contact, meeting


def test_issue11_task_typed_as_text_is_parsed_and_tied_to_the_meeting(taipei):
    """§2: "/task call back tomorrow 3pm" in the notes box: title and due date read in the
    user's zone, associated with the meeting and its attendees' contacts."""
    contact, meeting = meeting_with_contact(taipei)
    resp = taipei.post('/tasks', json={'text': 'call back tomorrow 3pm',
                                       'meeting_id': meeting['id']})
    assert resp.status_code == 201, resp.json
    task = resp.json
    assert (task['title'], task['due_date'], task['due_time'], task['understood']) == (
        'call back', (local_today(8) + DAY).isoformat(), '15:00', True)
    assert task['meeting_id'] == meeting['id'] and task['meeting_title'] == 'Discovery'
    assert [c['id'] for c in task['contacts']] == [contact['id']]
    assert [t['id'] for t in taipei.get(f"/tasks?meeting_id={meeting['id']}").json[
        'items']] == [task['id']]


def test_issue11_unparseable_date_gives_a_task_without_due_date(caller):
    resp = caller.post('/tasks', json={'text': 'call Ana sometime'})
    assert resp.status_code == 201
    assert (resp.json['title'], resp.json['due_date'], resp.json['understood']) == (
        'call Ana sometime', None, False)


def test_issue11_parse_preview_creates_nothing(taipei):
    resp = taipei.get('/tasks/parse', query_string={'text': '回電 下星期一 下午3點'})
    assert resp.status_code == 200
    local = local_today(8)
    monday = local - datetime.timedelta(days=local.weekday()) + 7 * DAY
    assert resp.json == {'title': '回電', 'due_date': monday.isoformat(), 'due_time': '15:00',
                         'understood': True, 'date_text': '下星期一 下午3點'}
    assert taipei.get('/tasks/parse?text=').status_code == 422
    with db.connection_context():
        assert Task.select().count() == 0


def test_b2_task_retried_with_its_client_id_is_stored_once(caller):
    _contact, meeting = meeting_with_contact(caller)
    body = {'text': 'send the DPA friday', 'meeting_id': meeting['id'],
            'client_id': 'task-0001-abcdef'}
    first = caller.post('/tasks', json=body)
    again = caller.post('/tasks', json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json['id'] == first.json['id']
    with db.connection_context():
        assert Task.select().count() == 1 and TaskContact.select().count() == 1
    other = caller.post('/tasks', json={**body, 'meeting_id': None, 'text': 'x'})
    assert other.status_code in (409, 422)


def test_issue11_done_and_delete(caller):
    task = caller.post('/tasks', json={'title': 'x'}).json
    done = caller.patch(f"/tasks/{task['id']}", json={'done': True}).json
    assert done['done'] and done['done_at']
    undone = caller.patch(f"/tasks/{task['id']}", json={'done': False}).json
    assert not undone['done'] and undone['done_at'] is None
    assert caller.patch(f"/tasks/{task['id']}", json={}).status_code == 422
    assert caller.delete(f"/tasks/{task['id']}").status_code == 204
    assert caller.get(f"/tasks/{task['id']}").status_code == 404


def test_issue11_patch_replaces_associations_in_one_transaction(caller):
    contact, _company, deal = records(caller)
    task = caller.post('/tasks', json={'title': 'x', 'contact_ids': [contact['id']]}).json
    bad = caller.patch(f"/tasks/{task['id']}", json={'contact_ids': [], 'deal_ids': [2_000_000],
                                                     'title': 'changed'})
    assert bad.status_code == 422 and list(bad.json['errors']) == ['deal_ids']
    kept = caller.get(f"/tasks/{task['id']}").json
    assert kept['title'] == 'x' and [c['id'] for c in kept['contacts']] == [contact['id']]
    moved = caller.patch(f"/tasks/{task['id']}", json={'contact_ids': [],
                                                       'deal_ids': [deal['id']]}).json
    assert moved['contacts'] == [] and [d['id'] for d in moved['deals']] == [deal['id']]


def test_issue11_tasks_of_another_account_are_invisible(caller, make_caller):
    caller.post('/tasks', json={'title': 'secret'})
    eve = make_caller('eve@globex.example', account='Globex')
    assert eve.get('/tasks').json['items'] == []
    assert eve.get('/tasks?owner=me').json['due_today'] == 0


def test_issue11_task_list_figures(caller):
    """Prints the time of GET /tasks for 200 tasks, each with a contact, company and deal."""
    import statistics
    import time

    from server.models import TaskCompany, TaskDeal
    contact, company, deal = records(caller)
    with db.connection_context():
        ids = [Task.insert(account=caller.user.account_id, owner=caller.user.id, title=f't{n}',
                           due_date=(today() + (n % 30) * DAY).date(),
                           created_at=today(), updated_at=today()).execute() for n in range(200)]
        TaskContact.insert_many([{'task': i, 'contact': contact['id']} for i in ids]).execute()
        TaskCompany.insert_many([{'task': i, 'company': company['id']} for i in ids]).execute()
        TaskDeal.insert_many([{'task': i, 'deal': deal['id']} for i in ids]).execute()
    caller.get('/me')
    times = []
    for _ in range(10):
        started = time.perf_counter()
        assert len(caller.get('/tasks?owner=me&done=false&limit=200').json['items']) == 200
        times.append((time.perf_counter() - started) * 1000)
    print(f'\nGET /tasks (200 tasks x 3 associations, {db.obj.__class__.__name__}): '
          f'p50 {statistics.median(times):.1f} ms, max {max(times):.1f} ms')
