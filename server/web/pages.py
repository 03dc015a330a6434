"""Web page routes."""
from flask import redirect, render_template_string, request, session, url_for

from server.services import users
from server.web import bp


@bp.route('/sign-in', methods=['GET', 'POST'])
def sign_in():
    """Sign in with e-mail and password."""
    error = None
    if request.method == 'POST':
        user = users.check_password(request.form.get('email'), request.form.get('password'))
        if user is not None:
            session.clear()
            session['user_id'] = user.id
            return redirect(url_for('web.home'))
        error = 'Wrong e-mail or password.'
    return render_template_string('<form method=post>{{ error or "" }}<input name=email>'
                                  '<input name=password type=password><button>Sign in</button></form>',
                                  error=error)


@bp.route('/')
def home():
    return 'Meetside'
