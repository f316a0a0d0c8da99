"""A member of staff's own account: the second factor, recovery codes, log out everywhere."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webinars.accounts import bp, second_factor, sessions
from webinars.accounts.forms import CodeForm, ConfirmForm
from webinars.accounts.models import User
from webinars.extensions import db

#: The secret being set up, kept in the session until a code confirms it.
SETUP_SECRET = "second_factor_setup"


def _user() -> User:
    return current_user._get_current_object()


@bp.route("/account")
@login_required
def account() -> str:
    user = _user()
    return render_template(
        "accounts/account.html",
        user=user,
        form=ConfirmForm(),
        remaining=second_factor.remaining_recovery_codes(user),
        may_turn_off=user.has_second_factor and not second_factor.is_required(user),
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> str:
    """Show a new secret (and its otpauth address); a first code from the app turns it on."""
    user = _user()
    secret = session.get(SETUP_SECRET)
    if not isinstance(secret, str):
        secret = session[SETUP_SECRET] = second_factor.new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        step = second_factor.confirming_step(secret, form.code.data or "")
        if step is not None:
            codes = second_factor.enable(user, secret, step)
            session.pop(SETUP_SECRET, None)
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, new=True)
        form.code.errors.append(_("This code is not valid. Try the next one."))
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=secret,
        uri=second_factor.provisioning_uri(user, secret),
    )


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
def recovery_codes() -> str | Response:
    user = _user()
    if not ConfirmForm().validate_on_submit() or not user.has_second_factor:
        return redirect(url_for("accounts.account"))
    codes = second_factor.new_recovery_codes(user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes, new=False)


@bp.route("/account/two-factor/off", methods=["POST"])
@login_required
def two_factor_off() -> Response:
    user = _user()
    if ConfirmForm().validate_on_submit() and not second_factor.is_required(user):
        second_factor.disable(user)
        db.session.commit()
        flash(_("The second factor is off."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Response:
    """End every session of the account, this one included, on every device."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    sessions.end_everywhere(_user())
    sessions.end()
    db.session.commit()
    flash(_("You are logged out everywhere."), "success")
    return redirect(url_for("accounts.login"))
