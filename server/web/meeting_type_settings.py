"""Settings › Meeting types: the account's list of meeting types (issue 11 §1), admins only.

One type per line; the same checks as PATCH /api/v1/account (each at most 100 characters,
each once, at most 50), shown as field errors on the form.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from marshmallow import ValidationError

from server.auth import login_required
from server.errors import Forbidden
from server.schemas.account import AccountPatchSchema
from server.services import accounts
from server.web import bp, forms

_schema = AccountPatchSchema(only=('meeting_types',))


@bp.route('/settings/meeting-types', methods=['GET', 'POST'])
@login_required
def meeting_type_settings():
    user, errors = g.web_user, {}
    if user.role != 'admin':
        raise Forbidden(gettext('Only an admin can change the meeting types.'))
    text = '\n'.join(user.account.meeting_type_list)
    if request.method == 'POST':
        text = request.form.get('meeting_types', '')
        names = [line.strip() for line in text.splitlines() if line.strip()]
        try:
            data = _schema.load({'meeting_types': names})
        except ValidationError as error:
            errors = {'meeting_types': _messages(error.messages.get('meeting_types'))}
        else:
            accounts.update(user, data)
            flash(gettext('The meeting types are saved.'), 'info')
            return redirect(url_for('web.meeting_type_settings'), code=303)
    return render_template('settings/meeting_types.html', text=text, errors=errors), (
        422 if errors else 200)


def _messages(found):
    """marshmallow's list errors ({index: [..]} or [..]) as plain sentences."""
    if isinstance(found, dict):
        return [gettext('Line %(number)s: %(problem)s', number=int(i) + 1,
                        problem=' '.join(forms.translated(p) for p in m))
                for i, m in sorted(found.items())]
    return [forms.translated(p) for p in found or []]
