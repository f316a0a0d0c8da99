"""Language choice and bilingual fields.

The locale comes from `?lang=`, remembered in the session; else, on a registrant's private
pages, from the language they registered in; else from Accept-Language.
"""

from __future__ import annotations

from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, refresh


def select_locale() -> str:
    """Outside a request (CLI, mail worker) the default; `force_locale` picks another."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang")
    if wanted is not None and wanted in languages:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in languages:
        return session["lang"]
    if g.get("page_language") in languages:
        return g.page_language
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def speak_language_of_page(language: str) -> None:
    """This page is someone's own (a registrant's private page): unless the visitor chose a
    language with the switcher, it speaks the one they chose when they registered."""
    g.page_language = language
    refresh()


def current_language() -> str:
    """`en` or `es`: the request's language, or the one forced for an e-mail; else English."""
    if not has_app_context():
        return "en"
    locale = get_locale()
    return locale.language if locale is not None else "en"


def pick(en: str | None, es: str | None, language: str | None = None) -> str:
    """The text in the wanted language, falling back to the other one when it is empty."""
    language = language or current_language()
    first, second = (es, en) if language == "es" else (en, es)
    return first or second or ""


class Bilingual:
    """Mixin: `obj.t("title")` reads `title_en` or `title_es` for the current language."""

    def t(self, field: str, language: str | None = None) -> str:
        return pick(getattr(self, f"{field}_en"), getattr(self, f"{field}_es"), language)
