"""services/summaries.py: the brief shapes, each read in one statement (issue 10 §4)."""
from playhouse.test_utils import count_queries

from server.db import db
from server.models import Deal, Ticket
from server.services import summaries
from tests.api.test_briefs import _company


def test_issue10_open_work_of_companies_is_the_two_look_ups_in_one_statement(caller):
    """Open deals (oldest first) and open tickets (newest first) per company, closed ones and
    other accounts' left out: the same answer as open_deals_/open_tickets_of_companies."""
    small, _ = _company(caller, 'Small', 'small.example', deals=1, tickets=0)
    big, _ = _company(caller, 'Big', 'big.example', contacts=2, deals=4, tickets=3)
    empty, _ = _company(caller, 'Empty', 'empty.example', deals=0, tickets=0)
    account = caller.user.account_id
    ids = [small.id, big.id, empty.id]
    with db.connection_context():
        with count_queries() as counted:
            deals, tickets = summaries.open_work_of_companies(account, ids)
        assert counted.count == 1
        assert (deals, tickets) == (summaries.open_deals_of_companies(account, ids),
                                    summaries.open_tickets_of_companies(account, ids))
        assert [d['name'] for d in deals[big.id]] == [f'Big deal {n}' for n in range(4)]
        assert [t['subject'] for t in tickets[big.id]] == [f'Big ticket {n}' for n in (2, 1, 0)]
        assert deals[small.id][0]['amount'] == '10.00' and tickets[small.id] == []
        assert deals[empty.id] == [] and tickets[empty.id] == []
        assert Deal.select().where(Deal.stage == 'closed_lost').count() == 3
        assert Ticket.select().where(Ticket.status == 'closed').count() == 3
        assert summaries.open_work_of_companies(account + 1, ids) == (
            {i: [] for i in ids}, {i: [] for i in ids})
        assert summaries.open_work_of_companies(account, []) == ({}, {})
