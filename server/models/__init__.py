"""Every table of the application, in one place (dependency order)."""
from server.models.account import Account, ApiToken, User
from server.models.base import BaseModel, utcnow
from server.models.calendar import (CalendarConnection, CalendarOutbox, SeriesOccurrence,
                                    SyncDecision, WebhookReceipt)
from server.models.crm import (Company, Contact, Deal, DealContact, Ticket, TicketCompany,
                               TicketContact)
from server.models.imports import ImportJob, ImportRow
from server.models.meeting import (Meeting, MeetingAttendee, MeetingCompany, MeetingContact,
                                   MeetingDeal, MeetingTicket, Note)

ALL_MODELS = [
    Account, User, ApiToken, Company, Contact, Deal, Ticket, DealContact, TicketContact,
    TicketCompany,
    Meeting, MeetingAttendee, MeetingContact, MeetingCompany, MeetingDeal, MeetingTicket, Note,
    CalendarConnection, SyncDecision, CalendarOutbox, SeriesOccurrence, WebhookReceipt,
    ImportJob, ImportRow,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ['ALL_MODELS', 'BaseModel', 'utcnow']
