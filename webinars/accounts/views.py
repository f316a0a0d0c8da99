"""Log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from webinars.accounts import bp
from webinars.accounts.forms import LoginForm
from webinars.accounts.services import authenticate


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


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.index"))
