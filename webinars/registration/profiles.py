"""Deleting a participant profile, which registrations refer to (the other profile rules are
in `series.services`)."""

from __future__ import annotations

from flask_babel import ngettext
from sqlalchemy import func

from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.series.models import ParticipantProfile
from webinars.series.services import SchedulingError


def delete_profile(profile: ParticipantProfile) -> None:
    """Only a profile nobody registered with can go: registrations keep their profile."""
    used = db.session.scalar(
        db.select(func.count(Registration.id)).where(Registration.profile_id == profile.id)
    )
    if used:
        raise SchedulingError(
            "profile",
            ngettext(
                "%(num)d registration uses this profile; it cannot be deleted.",
                "%(num)d registrations use this profile; it cannot be deleted.",
                used,
            ),
        )
    db.session.delete(profile)
    db.session.flush()
