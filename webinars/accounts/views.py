"""Log in and out; reset a forgotten password by e-mail."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from webinars.accounts import bp, reset
from webinars.accounts.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm
from webinars.accounts.lockout import lockout_minutes
from webinars.accounts.services import MIN_PASSWORD_LENGTH, LoginLocked, authenticate
from webinars.extensions import db, limiter
from webinars.i18n import current_language


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], error_message=_too_many_attempts)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data or "", form.password.data or "")
        except LoginLocked:
            # The same words whether or not an account has this address.
            form.password.errors.append(
                _(
                    "Too many failed log-ins with this e-mail address: try again in"
                    " %(minutes)d minutes.",
                    minutes=lockout_minutes(),
                )
            )
        else:
            if user is not None:
                db.session.commit()  # a password re-hashed with the current method
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
            form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
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
