"""Every table of the application, in one place (dependency order)."""
from server.models.account import Account, ApiToken, User
from server.models.base import BaseModel, utcnow
from server.models.calendar import (CalendarConnection, CalendarOutbox, SeriesOccurrence,
                                    SyncDecision, WebhookReceipt)
from server.models.crm import (Company, Contact, Deal, DealContact, Ticket, TicketCompany,
                               TicketContact)
from server.models.meeting import (OUTCOMES, DealChange, Meeting, MeetingAttendee, MeetingCompany,
                                   MeetingContact, MeetingDeal, MeetingTicket, Note)
from server.models.task import Task, TaskCompany, TaskContact, TaskDeal

ALL_MODELS = [
    Account, User, ApiToken, Company, Contact, Deal, Ticket, DealContact, TicketContact,
    TicketCompany,
    Meeting, MeetingAttendee, MeetingContact, MeetingCompany, MeetingDeal, MeetingTicket, Note,
    DealChange, CalendarConnection, SyncDecision, CalendarOutbox, SeriesOccurrence, WebhookReceipt,
    Task, TaskContact, TaskCompany, TaskDeal,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ['ALL_MODELS', 'BaseModel', 'OUTCOMES', 'utcnow']
