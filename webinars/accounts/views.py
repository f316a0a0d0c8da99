"""Log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from webinars.accounts import bp
from webinars.accounts.forms import LoginForm
from webinars.accounts.lockout import lockout_minutes
from webinars.accounts.services import LoginLocked, authenticate
from webinars.extensions import db, limiter


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
