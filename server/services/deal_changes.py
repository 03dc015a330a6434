"""Deal changes made after a call (issue 11 §3): recorded with the meeting they came from,
listed on the deal's timeline; the deals a meeting's view offers to update."""
from peewee import JOIN

from server.errors import ValidationFailed
from server.models import (
    Company,
    Contact,
    Deal,
    DealChange,
    DealContact,
    Meeting,
    MeetingAttendee,
    MeetingContact,
    MeetingDeal,
    User,
    utcnow,
)
from server.services.meetings import get_meeting

TIMELINE_CHANGES = 100  # the newest ones; older changes stay stored


def check_meeting(user, meeting_id=None):
    """A change's meeting must be one of the caller's account: else a 422 naming it."""
    if meeting_id is not None and not Meeting.select().where(
            Meeting.id == meeting_id, Meeting.account == user.account_id).exists():
        raise ValidationFailed('Unknown meeting.', {'meeting_id': [
            f'No meeting with id {meeting_id} in your account.']})


def record(user, before, changes, meeting_id=None):
    """Inside the deal's write: keep what the stage and amount were and became."""
    stage = changes.get('stage', before.stage)
    amount = changes.get('amount', before.amount)
    if stage == before.stage and amount == before.amount:
        return
    DealChange.create(account=user.account_id, deal=before.id, user=user.id, meeting=meeting_id,
                      old_stage=before.stage, new_stage=stage, old_amount=before.amount,
                      new_amount=amount, created_at=utcnow())


def for_deal(deal_id):
    """The deal's newest changes with who made them and the meeting's title (one query)."""
    rows = (DealChange.select(DealChange, User, Meeting.id, Meeting.title)
            .join_from(DealChange, User, JOIN.LEFT_OUTER, on=(DealChange.user == User.id))
            .join_from(DealChange, Meeting, JOIN.LEFT_OUTER, on=(DealChange.meeting == Meeting.id))
            .where(DealChange.deal == deal_id)
            .order_by(DealChange.created_at.desc(), DealChange.id.desc())
            .limit(TIMELINE_CHANGES))
    changes = []
    for row in rows:
        meeting = getattr(row, 'meeting', None)
        row.meeting_title = meeting.title if row.meeting_id and meeting else None
        changes.append(row)
    return changes


def deals_for_meeting(user, meeting_id):
    """The deals of a meeting: associated with it, with its attendees' companies (a deal's
    company) or with its attendees (DealContact). Two queries whatever the number."""
    meeting = get_meeting(user, meeting_id)
    contacts = (MeetingContact.select(MeetingContact.contact)
                .where(MeetingContact.meeting == meeting.id))
    attendee_contacts = (MeetingAttendee.select(MeetingAttendee.contact)
                         .where(MeetingAttendee.meeting == meeting.id,
                                MeetingAttendee.contact.is_null(False)))
    companies = Contact.select(Contact.company).where(
        (Contact.id.in_(contacts) | Contact.id.in_(attendee_contacts))
        & Contact.company.is_null(False))
    linked = MeetingDeal.select(MeetingDeal.deal).where(MeetingDeal.meeting == meeting.id)
    involved = DealContact.select(DealContact.deal).where(
        DealContact.contact.in_(contacts) | DealContact.contact.in_(attendee_contacts))
    return list(Deal.select(Deal, Company)
                .join(Company, JOIN.LEFT_OUTER, on=(Deal.company == Company.id))
                .where(Deal.account == user.account_id,
                       Deal.id.in_(linked) | Deal.company.in_(companies) | Deal.id.in_(involved))
                .order_by(Deal.name, Deal.id))
