"""`/api/v1/series`: the public series, their sessions, agenda, people and profiles."""

from __future__ import annotations

from http import HTTPStatus

from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from webinars.api.errors import json_error
from webinars.api.queries import list_public_series
from webinars.api.schemas import SeriesDetailSchema, SeriesQuerySchema, SeriesSummarySchema
from webinars.public import queries as public_queries
from webinars.series.models import Series
from webinars.web_loaders import load_api_series

blp = Blueprint(
    "api_series",
    __name__,
    url_prefix="/api/v1/series",
    description="Published webinar series and workshops of the Regional Conference on Migration.",
)
blp.register_error_handler(HTTPException, json_error)


@blp.route("")
@blp.arguments(SeriesQuerySchema, location="query", as_kwargs=True)
@blp.response(200, SeriesSummarySchema(many=True))
def list_series(when: str | None = None) -> list[Series]:
    """List the public series

    Published, closed and archived series, by the start of their first session; series
    whose dates are still to be defined come last.
    """
    return list_public_series(when)


@blp.route("/<slug>")
@blp.response(200, SeriesDetailSchema)
@blp.alt_response(HTTPStatus.NOT_FOUND, response=HTTPStatus.NOT_FOUND.name)
def get_series(slug: str) -> Series:
    """One public series

    Its concept note, sessions in time order with their agenda and people, and the
    participant profiles asked of every country. Drafts are not found.
    """
    return load_api_series(slug, public=True, options=public_queries.SERIES_PAGE)
