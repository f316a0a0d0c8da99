"""Log in (password, then the second factor when the account has one) and out; reset a
forgotten password by e-mail; unlock a locked account from an e-mailed link."""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webinars.accounts import bp, devices, reset, second_factor, sessions
from webinars.accounts.forms import (
    CodeForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from webinars.accounts.lockout import lockout_minutes
from webinars.accounts.models import User
from webinars.accounts.services import (
    MIN_PASSWORD_LENGTH,
    LoginLocked,
    LoginSource,
    authenticate,
    check_second_factor,
)
from webinars.extensions import db, limiter
from webinars.i18n import current_language

#: The session's note of a password accepted, waiting for the second factor.
PENDING = "second_factor_pending"


def _safe_next(target: str | None) -> str:
    """Only redirect back to a path of this site."""
    if (
        target
        and target.startswith("/")
        and not urlsplit(target).netloc
        and "//" not in target
        and "\\" not in target  # browsers read "/\\host" as "//host"
    ):
        return target
    return url_for("staff.dashboard")


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _too_many_attempts() -> str:
    return _("Too many log-in attempts from your address; try again in a minute.")


def _source() -> LoginSource:
    return LoginSource(request.remote_addr or "", devices.device_cookie())


def _locked_message() -> str:
    # The same words whether or not an account has this address.
    return _(
        "Too many failed log-ins with this e-mail address: try again in %(minutes)d minutes.",
        minutes=lockout_minutes(),
    )


def _logged_in(user: User, target: str) -> Response:
    """A new session, the device remembered; admins without a second factor set one up."""
    sessions.start(user)
    if second_factor.setup_required(user):
        flash(_("Admins need a second factor: set it up now."), "warning")
        target = url_for("accounts.two_factor_setup")
    return devices.remember_device(redirect(target), user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], error_message=_too_many_attempts)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        target = _safe_next(request.args.get("next"))
        try:
            user = authenticate(
                form.email.data or "", form.password.data or "", _source(), current_language()
            )
        except LoginLocked:
            db.session.commit()  # the unlock link e-mailed, if this locked the account
            form.password.errors.append(_locked_message())
        else:
            db.session.commit()  # a password re-hashed with the current method
            if user is None:
                form.password.errors.append(_("Wrong e-mail or password."))
            elif user.has_second_factor:
                session.clear()
                session[PENDING] = {
                    "user": user.id,
                    "epoch": user.session_epoch,
                    "at": int(time.time()),
                    "next": target,
                }
                return redirect(url_for("accounts.two_factor"))
            else:
                return _logged_in(user, target)
    return render_template("accounts/login.html", form=form)


def _pending_user() -> tuple[User, str] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    age = int(time.time()) - int(pending.get("at") or 0)
    user = db.session.get(User, pending["user"])
    if (
        user is None
        or not user.active
        or not user.has_second_factor
        or pending.get("epoch") != user.session_epoch
        or age > current_app.config["SECOND_FACTOR_PENDING_SECONDS"]
    ):
        return None
    return user, str(pending.get("next") or url_for("staff.dashboard"))


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], error_message=_too_many_attempts)
def two_factor() -> str | Response:
    """The second step of a log-in: a code of the authenticator app, or a recovery code."""
    found = _pending_user()
    if found is None:
        session.pop(PENDING, None)
        flash(_("Log in again: the code was not given in time."), "warning")
        return redirect(url_for("accounts.login"))
    user, target = found
    form = CodeForm()
    if form.validate_on_submit():
        try:
            accepted = check_second_factor(
                user, form.code.data or "", _source(), current_language()
            )
        except LoginLocked:
            form.code.errors.append(_locked_message())
        else:
            if accepted:
                db.session.commit()
                return _logged_in(user, target)
            form.code.errors.append(_("This code is not valid. Try the next one."))
        db.session.commit()  # the code's step, a recovery code spent, an unlock e-mail
    return render_template("accounts/two_factor.html", form=form)


@bp.route("/login/unlock/<token>", methods=["GET", "POST"])
def unlock(token: str) -> str | Response | tuple[str, int]:
    """The link e-mailed when failures from everywhere locked the account: this browser
    becomes a known device, which the lock does not stop. A button, not the GET itself, does
    it (mail scanners open links)."""
    user = devices.user_for_unlock_token(token)
    if user is None:
        return render_template("accounts/unlock.html", form=None), 410
    form = ConfirmForm()
    if form.validate_on_submit():
        flash(_("This browser can log in to your account again."), "success")
        return devices.remember_device(redirect(url_for("accounts.login")), user)
    return render_template("accounts/unlock.html", form=form, user=user)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    sessions.end()
    db.session.commit()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.index"))


def _reset_rate_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _reset_per_address_limit() -> str:
    return current_app.config["PASSWORD_RESET_PER_ADDRESS_LIMIT"]


def _reset_address_key() -> str:
    """The requested address (hashed, as the log-in lockout keys it): one mailbox cannot be
    flooded from many client addresses."""
    email = (request.form.get("email") or "").strip().lower()
    return "reset/" + hashlib.sha256(email.encode()).hexdigest()


def _too_many_resets() -> str:
    return _("Too many requests for a new password; try again later.")


@bp.route("/login/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_rate_limit, methods=["POST"], error_message=_too_many_resets)
@limiter.limit(
    _reset_per_address_limit,
    methods=["POST"],
    key_func=_reset_address_key,
    error_message=_too_many_resets,
)
def forgot_password() -> str:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data or "", current_language())
        db.session.commit()
        # The same page whether or not an account has the address.
        return render_template(
            "accounts/reset_sent.html", email=form.email.data, minutes=reset.max_age_minutes()
        )
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], error_message=_too_many_attempts)
def reset_password(token: str) -> str | Response | tuple[str, int]:
    user = reset.user_for_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        reset.reset_password(user, form.password.data or "")
        db.session.commit()
        flash(_("Your password was changed: log in with it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template(
        "accounts/reset_password.html", form=form, user=user, min_length=MIN_PASSWORD_LENGTH
    )
