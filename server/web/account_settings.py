"""Settings › Account (issue 13 §1, admins only; members get 403): the account's name and
domains (R12), its members with their role, last sign-in and calendar, and invites."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from server.auth import login_required
from server.errors import Conflict, Forbidden, ValidationFailed
from server.models import Account
from server.services import accounts, invites, members
from server.translatable import N_
from server.web import bp, forms, mails

DOMAINS_SAVED = N_('The account is saved. The next calendar syncs use these domains: attendees '
                 'at them count as colleagues and are not logged (R12). Meetings already '
                 'logged stay as they are.')


def _admin():
    if g.web_user.role != 'admin':
        raise Forbidden(gettext('Only an admin of the account can open Settings › Account.'))
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
        return _page(form, forms.translated_errors(error.errors), status=422)
    flash(gettext(DOMAINS_SAVED), 'info')
    return redirect(url_for('web.account_settings'), code=303)


def send_invite(invite, token):
    account = Account.get_by_id(invite.account_id)
    inviter = g.web_user.name or g.web_user.email
    # The invitee has no profile yet: the mail speaks the inviting admin's language.
    return mails.send('invite', invite.email,
                      N_('%(inviter)s invited you to %(account_name)s on Meetside'),
                      reader=g.web_user, inviter=inviter, account_name=account.name, role=invite.role,
                      url=mails.link('web.accept_invite', token))


def _sent_flash(invite, sent):
    if sent:
        flash(gettext('Invite sent to %(email)s. The link works once, for 7 days.',
                      email=invite.email), 'info')
    else:
        flash(gettext('The invite to %(email)s is saved, but the e-mail could not be sent. '
                      'Check the mail settings, then use Resend.', email=invite.email), 'error')


@bp.route('/settings/account/invites', methods=['POST'])
@login_required
def create_invite():
    """Invite someone by e-mail as an admin or a member."""
    admin = _admin()
    form = {'email': _text('email', 300), 'role': _text('role', 20)}
    try:
        invite, token = invites.create(admin, request.form)
    except ValidationFailed as error:
        return _page(invite_form=form, invite_errors=forms.translated_errors(error.errors),
                     status=422)
    except invites.AlreadyInAnAccount as error:
        return _page(invite_form=form, invite_errors=forms.translated_errors(error.errors),
                     status=409)
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
    flash(gettext('The invite to %(email)s is revoked.', email=invite.email), 'info')
    return redirect(url_for('web.account_settings') + '#invites', code=303)


@bp.route('/settings/account/members/<int(max=2147483647):user_id>/role', methods=['POST'])
@login_required
def change_member_role(user_id):
    """Make a member an admin, or an admin a member (one admin stays)."""
    try:
        member = members.change_role(_admin(), user_id, _text('role', 20))
    except (Conflict, ValidationFailed) as error:
        flash(forms.translated(error.message) if isinstance(error, Conflict)
              else gettext('Pick admin or member.'), 'error')
        return redirect(url_for('web.account_settings') + '#members', code=303)
    who = member.name or member.email
    flash(gettext('%(member)s is now an admin.', member=who) if member.role == 'admin'
          else gettext('%(member)s is now a member.', member=who), 'info')
    return redirect(url_for('web.account_settings') + '#members', code=303)


@bp.route('/settings/account/members/<int(max=2147483647):user_id>/remove', methods=['POST'])
@login_required
def remove_member(user_id):
    """Remove a member: signed out everywhere, tokens revoked, calendar disconnected."""
    admin = _admin()
    try:
        member = members.remove(admin, user_id, current_app.config)
    except Conflict as error:
        flash(forms.translated(error.message), 'error')
        return redirect(url_for('web.account_settings') + '#members', code=303)
    flash(gettext('%(member)s is removed: signed out everywhere, API tokens revoked, '
                  'calendar disconnected. Their meetings and notes stay.',
                  member=member.name or member.email), 'info')
    if member.id == admin.id:
        return redirect(url_for('web.sign_in'), code=303)
    return redirect(url_for('web.account_settings') + '#members', code=303)
