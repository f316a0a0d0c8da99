"""Translated labels of the directory's topics."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webinars.authorities.models import Topic

TOPIC: dict[Topic, LazyString] = {
    Topic.SMUGGLING: _l("Migrant smuggling"),
    Topic.TRAFFICKING: _l("Trafficking in persons"),
    Topic.BORDER_MANAGEMENT: _l("Border management"),
    Topic.PROTECTION: _l("Protection"),
    Topic.IRREGULAR_MIGRATION: _l("Irregular and mass migration"),
    Topic.OTHER: _l("Other"),
}
