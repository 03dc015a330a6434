"""/tasks: follow-up tasks (issue 11 §2, B8), and the due-date reading of a line of text."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.schemas.tasks import (
    CreatedTaskSchema,
    ParsedSchema,
    ParseQuerySchema,
    TaskInSchema,
    TaskPageSchema,
    TaskPatchSchema,
    TaskQuerySchema,
    TaskSchema,
)
from server.services import tasks

blp = Blueprint('tasks', __name__, description='Follow-up tasks')


@blp.route('/tasks')
class Tasks(MethodView):
    @blp.arguments(TaskQuerySchema, location='query')
    @blp.response(200, TaskPageSchema)
    def get(self, args):
        """List tasks: owner=me, due=today|overdue|week (your zone), done; with your counts."""
        items = tasks.list_tasks(g.user, **args)
        return {'items': items, **tasks.counts(g.user)}

    # An instance: webargs would build one per request from the class (see api/meetings.py).
    @blp.arguments(TaskInSchema())
    @blp.response(201, CreatedTaskSchema)
    @blp.alt_response(200, schema=CreatedTaskSchema, description='Same client_id: the stored task')
    def post(self, data):
        """Create a task from fields, or from one line of text (its last words the due date)."""
        if 'text' in data:
            task, created = tasks.create_from_text(
                g.user, data['text'], data.get('meeting_id'), data.get('client_id'),
                data.get('reminder', False), data.get('typed_at'))
        else:
            task, created = tasks.create(g.user, data)
        return task, 201 if created else 200


@blp.route('/tasks/parse')
class ParseTask(MethodView):
    @blp.arguments(ParseQuerySchema, location='query')
    @blp.response(200, ParsedSchema)
    def get(self, args):
        """Preview: the title and due date a line gives (your zone), without creating it."""
        return tasks.parse_text(g.user, args['text'])


@blp.route('/tasks/<int:task_id>')
class TaskById(MethodView):
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """Get one task."""
        return tasks.get_task(g.user, task_id)

    @blp.arguments(TaskPatchSchema)
    @blp.response(200, TaskSchema)
    def patch(self, data, task_id):
        """Change a task: its title, due date and time, done, owner or associations."""
        return tasks.update(g.user, task_id, data)

    @blp.response(204)
    def delete(self, task_id):
        """Delete a task (and its calendar reminder)."""
        tasks.remove(g.user, task_id)
