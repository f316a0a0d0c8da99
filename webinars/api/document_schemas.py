"""Schemas of the country submissions and the session materials (read API)."""

from __future__ import annotations

from marshmallow import fields

from webinars.api.report_schemas import BilingualSchema
from webinars.api.schemas import OutputSchema


class FileSchema(OutputSchema):
    name = fields.String()
    kind = fields.String(metadata={"description": "pdf, docx, xlsx or pptx, read from the content"})
    size = fields.Integer(metadata={"description": "Bytes."})


class CountrySubmissionSchema(OutputSchema):
    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2 code."})
    state = fields.String(
        metadata={
            "description": "awaited (deadline ahead), missing (deadline passed), submitted, "
            "late, accepted or returned."
        }
    )
    submitted_at = fields.String(allow_none=True, metadata={"description": "UTC, ISO 8601"})
    review_comment = fields.String()
    file = fields.Nested(FileSchema, allow_none=True)
    has_text = fields.Boolean(metadata={"description": "The country answered in the page."})


class SubmissionRequestSchema(OutputSchema):
    id = fields.Integer()
    title = fields.Nested(BilingualSchema)
    instructions = fields.Nested(BilingualSchema)
    answer_kind = fields.String(metadata={"description": "file, text or either"})
    due_at = fields.String(metadata={"description": "UTC, ISO 8601"})
    countries_asked = fields.List(
        fields.String(), allow_none=True, metadata={"description": "null: every member country."}
    )
    countries = fields.List(fields.Nested(CountrySubmissionSchema))


class SubmissionsSchema(OutputSchema):
    """What the countries were asked for and what each sent (a focal point: their country)."""

    series = fields.String()
    requests = fields.List(fields.Nested(SubmissionRequestSchema))


class MaterialSchema(OutputSchema):
    id = fields.Integer()
    session = fields.Integer(metadata={"description": "The session's number (1 = the first)."})
    agenda_item_id = fields.Integer(allow_none=True)
    title = fields.Nested(BilingualSchema)
    file = fields.Nested(FileSchema)
    url = fields.String(metadata={"description": "Where to download it."})


class MaterialsSchema(OutputSchema):
    """The public presentations and documents of a public series."""

    series = fields.String()
    materials = fields.List(fields.Nested(MaterialSchema))
