"""Settings › Account (issue 13 §1, admins only; members get 403): the account's name and
domains (R12), its members with their role, last sign-in and calendar, and invites."""
from flask import current_app, flash, g, redirect, render_template, request, url_for

from server.auth import login_required
from server.errors import Conflict, Forbidden, ValidationFailed
from server.models import Account
from server.services import accounts, invites, members
from server.web import bp, mails

DOMAINS_SAVED = ('The account is saved. The next calendar syncs use these domains: attendees '
                 'at them count as colleagues and are not logged (R12). Meetings already '
                 'logged stay as they are.')


def _admin():
    if g.web_user.role != 'admin':
        raise Forbidden('Only an admin of the account can open Settings › Account.')
    return g.web_user


def _page(form=None, errors=None, invite_form=None, invite_errors=None, status=200):
    admin = _admin()
    account = Account.get_by_id(admin.account_id)
    if form is None:
        form = {'name': account.name, 'website_domain': account.website_domain,
                'connected_domains': '\n'.join(d for d in account.connected_domains.split(',') if d)}
    return render_template(
        'settings/account.html', account=account, form=form, errors=errors or {},
        invite_form=invite_form or {'role': 'member'}, invite_errors=invite_errors or {},
        people=members.listed(admin), invites=invites.pending(admin),
        calendar_state=members.calendar_state), status


def _text(name, limit=5000):
    value = request.form.get(name)
    return value[:limit] if isinstance(value, str) else ''


@bp.route('/settings/account', methods=['GET', 'POST'])
@login_required
def account_settings():
    """The account's name and domains (admins)."""
    admin = _admin()
    if request.method != 'POST':
        return _page()
    form = {key: _text(key) for key in ('name', 'website_domain', 'connected_domains')}
    try:
        accounts.save_settings(admin, request.form)
    except ValidationFailed as error:
        return _page(form, error.errors, status=422)
    flash(DOMAINS_SAVED, 'info')
    return redirect(url_for('web.account_settings'), code=303)


def send_invite(invite, token):
    account = Account.get_by_id(invite.account_id)
    inviter = g.web_user.name or g.web_user.email
    return mails.send('invite', invite.email, f'{inviter} invited you to {account.name} on Meetside',
                      inviter=inviter, account_name=account.name, role=invite.role,
                      url=mails.link('web.accept_invite', token))


def _sent_flash(invite, sent):
    if sent:
        flash(f'Invite sent to {invite.email}. The link works once, for 7 days.', 'info')
    else:
        flash(f'The invite to {invite.email} is saved, but the e-mail could not be sent. '
              'Check the mail settings, then use Resend.', 'error')


@bp.route('/settings/account/invites', methods=['POST'])
@login_required
def create_invite():
    """Invite someone by e-mail as an admin or a member."""
    admin = _admin()
    form = {'email': _text('email', 300), 'role': _text('role', 20)}
    try:
        invite, token = invites.create(admin, request.form)
    except ValidationFailed as error:
        return _page(invite_form=form, invite_errors=error.errors, status=422)
    except invites.AlreadyInAnAccount as error:
        return _page(invite_form=form, invite_errors=error.errors, status=409)
    _sent_flash(invite, send_invite(invite, token))
    return redirect(url_for('web.account_settings') + '#invites', code=303)


@bp.route('/settings/account/invites/<int(max=2147483647):invite_id>/resend', methods=['POST'])
@login_required
def resend_invite(invite_id):
    """A fresh invite link by e-mail; the old one stops working."""
    invite, token = invites.resend(_admin(), invite_id)
    _sent_flash(invite, send_invite(invite, token))
    return redirect(url_for('web.account_settings') + '#invites', code=303)


@bp.route('/settings/account/invites/<int(max=2147483647):invite_id>/revoke', methods=['POST'])
@login_required
def revoke_invite(invite_id):
    """Revoke a pending invite: its link stops working."""
    invite = invites.revoke(_admin(), invite_id)
    flash(f'The invite to {invite.email} is revoked.', 'info')
    return redirect(url_for('web.account_settings') + '#invites', code=303)


@bp.route('/settings/account/members/<int(max=2147483647):user_id>/role', methods=['POST'])
@login_required
def change_member_role(user_id):
    """Make a member an admin, or an admin a member (one admin stays)."""
    try:
        member = members.change_role(_admin(), user_id, _text('role', 20))
    except (Conflict, ValidationFailed) as error:
        flash(error.message if isinstance(error, Conflict) else 'Pick admin or member.', 'error')
        return redirect(url_for('web.account_settings') + '#members', code=303)
    flash(f'{member.name or member.email} is now {"an admin" if member.role == "admin" else "a member"}.',
          'info')
    return redirect(url_for('web.account_settings') + '#members', code=303)


@bp.route('/settings/account/members/<int(max=2147483647):user_id>/remove', methods=['POST'])
@login_required
def remove_member(user_id):
    """Remove a member: signed out everywhere, tokens revoked, calendar disconnected."""
    admin = _admin()
    try:
        member = members.remove(admin, user_id, current_app.config)
    except Conflict as error:
        flash(error.message, 'error')
        return redirect(url_for('web.account_settings') + '#members', code=303)
    flash(f'{member.name or member.email} is removed: signed out everywhere, API tokens revoked, '
          'calendar disconnected. Their meetings and notes stay.', 'info')
    if member.id == admin.id:
        return redirect(url_for('web.sign_in'), code=303)
    return redirect(url_for('web.account_settings') + '#members', code=303)
