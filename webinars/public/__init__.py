"""Public pages: the list of series and each series' page, in English and Spanish.

Three blueprints, for what the public sees: `public` (catalogue, series pages, materials,
evaluations), `registration` (the form, verification, the registrant's manage pages) in
`registration_views`, and `calendar` (the .ics feeds) in `calendar_views`. Their endpoint
names are in links already e-mailed, so they keep their names.
"""

from flask import Blueprint

bp = Blueprint("public", __name__)

from webinars.public import evaluation_views, material_views, views  # noqa: E402,F401
