"""Schemas for deals."""
from marshmallow import fields, validate

from server.schemas.base import PatchSchema, Schema
from server.schemas.fields import Id, UTCDateTime
from server.schemas.records import DealChangeSchema, RecordQuerySchema, page_schema  # noqa: F401

# The pipeline's stages, in order.
DEAL_STAGES = ('appointment_scheduled', 'qualified_to_buy', 'presentation_scheduled',
               'decision_maker_bought_in', 'contract_sent', 'closed_won', 'closed_lost')
_AMOUNT = validate.Range(min=0, max=10 ** 12 - 1)
# apispec would document the Range's Decimal bounds as strings ("0.00"), which is no valid
# OpenAPI: documented as numbers here, as the validator applies them.
_AMOUNT_DOC = {'minimum': 0, 'maximum': 10 ** 12 - 1}


class DealSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    stage = fields.String(dump_only=True)
    # A string so no client rounds money through a float.
    amount = fields.Decimal(places=2, as_string=True, dump_only=True,
                            metadata={'type': 'string', 'format': 'decimal'})
    company_id = fields.Integer(dump_only=True, allow_none=True)
    company = fields.Function(lambda d: d.company.name if d.company_id else None, dump_only=True)
    owner_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class DealPatchSchema(PatchSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    stage = fields.String(validate=validate.OneOf(DEAL_STAGES))
    amount = fields.Decimal(places=2, validate=_AMOUNT, metadata=_AMOUNT_DOC)
    company_id = Id(allow_none=True, strict=True)
    owner_id = Id(allow_none=True, strict=True)
    meeting_id = Id(strict=True, metadata={
        'description': 'The meeting the change comes from: it is recorded with it on the '
                       "deal's timeline (issue 11 §3)."})


class DealInSchema(DealPatchSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))

    class Meta:
        exclude = ('meeting_id',)


class MeetingDealsSchema(Schema):
    """GET /meetings/{id}/deals: the deals to update after the call, and the pipeline."""
    items = fields.List(fields.Nested(DealSchema))
    stages = fields.List(fields.String(), metadata={'description': "The pipeline's stages."})


class DealQuerySchema(RecordQuerySchema):
    stage = fields.String(validate=validate.OneOf(DEAL_STAGES))
    company_id = Id()
    owner_id = Id()


DealPageSchema = page_schema('DealPage', DealSchema)
