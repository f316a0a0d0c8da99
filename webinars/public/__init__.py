"""Public pages: the list of series and each series' page, in English and Spanish."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from webinars.public import evaluation_views, material_views, views  # noqa: E402,F401
