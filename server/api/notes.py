"""Meeting notes (R20, B2)."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.schemas.notes import (NoteDeleteQuerySchema, NoteInSchema, NoteListSchema,
                                  NotePatchSchema, NoteSchema)
from server.services import notes

blp = Blueprint('notes', __name__, description='Meeting notes')


@blp.route('/meetings/<int:meeting_id>/notes')
class MeetingNotes(MethodView):
    @blp.response(200, NoteListSchema)
    def get(self, meeting_id):
        """List a meeting's notes, in the order they were typed (typed_at)."""
        return {'items': notes.list_for_meeting(g.user, meeting_id)}

    # An instance: webargs would build one per request from the class (see api/meetings.py).
    @blp.arguments(NoteInSchema())
    @blp.response(201, NoteSchema)
    @blp.alt_response(200, schema=NoteSchema, description='Same client_id: the stored note')
    def post(self, data, meeting_id):
        """Add a note; repeating a client_id returns the stored note (200)."""
        note, created = notes.add(g.user, meeting_id, data['body'], data.get('client_id'),
                                  data.get('typed_at'))
        return note, 201 if created else 200


@blp.route('/notes/<int:note_id>')
class NoteById(MethodView):
    @blp.arguments(NotePatchSchema)
    @blp.response(200, NoteSchema)
    @blp.alt_response(409, description='Changed since based_on: errors.body has the stored text')
    def patch(self, data, note_id):
        """Edit one of your notes (409 if it changed since ``based_on``)."""
        return notes.edit(g.user, note_id, data['body'], data.get('based_on'))

    @blp.arguments(NoteDeleteQuerySchema, location='query')
    @blp.response(204)
    @blp.alt_response(409, description='Changed since based_on: nothing deleted; errors.body '
                                       'has the stored text')
    def delete(self, query, note_id):
        """Delete one of your notes (409 if it changed since ``based_on``)."""
        notes.remove(g.user, note_id, query.get('based_on'))
