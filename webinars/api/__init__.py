"""JSON API under /api/v1, documented by an OpenAPI document generated from the code."""

from flask import Flask


def register_api(app: Flask) -> None:
    """Register the API blueprints with flask-smorest."""
