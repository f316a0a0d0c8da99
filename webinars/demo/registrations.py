"""Clearly fictitious registrations for the open webinar, so the quota matrix, the approvals
of the focal points and the outbox have something to show on a fresh demo.

They go through the registration service like real ones (seats, e-mails in the outbox);
some are then approved, as the focal points of their countries would.
"""

from __future__ import annotations

from dataclasses import dataclass

from webinars.registration import services
from webinars.registration.models import RegistrationStatus
from webinars.series.models import Series


@dataclass(frozen=True)
class DemoRegistration:
    first_name: str
    last_name: str
    country: str | None
    profile: str
    language: str
    approved: bool
    observer: str = ""


WEBINAR_REGISTRATIONS = (
    DemoRegistration("Ana", "Ejemplo Mora", "CR", "immigration_control", "es", True),
    DemoRegistration("Luis", "Ejemplo Solís", "CR", "immigration_control", "es", True),
    DemoRegistration("Marta", "Ejemplo Vargas", "CR", "border_control", "es", False),
    DemoRegistration("Jorge", "Ejemplo Ríos", "MX", "immigration_control", "es", False),
    DemoRegistration("Sofía", "Ejemplo Luna", "MX", "border_control", "es", True),
    DemoRegistration("Pablo", "Ejemplo Cruz", "MX", "border_control", "es", True),
    DemoRegistration("Elena", "Ejemplo Paz", "MX", "document_examiner", "es", False),
    DemoRegistration("Carlos", "Ejemplo Pérez", "GT", "immigration_control", "es", True),
    DemoRegistration("Rosa", "Ejemplo Flores", "HN", "document_examiner", "es", False),
    DemoRegistration("John", "Example Smith", "US", "border_control", "en", True),
    DemoRegistration("Claire", "Example Tremblay", "CA", "document_examiner", "en", False),
    DemoRegistration("Inés", "Ejemplo Duarte", None, "other", "es", True, observer="UNHCR"),
)


def register_webinar_officials(series: Series) -> None:
    """Register the demo officials (only called when the series has just been created).

    They register as registration opens, whatever day the demo is dated from.
    """
    for n, official in enumerate(WEBINAR_REGISTRATIONS, start=1):
        registration = services.register(
            series,
            services.RegistrationData(
                first_name=official.first_name,
                last_name=official.last_name,
                email=f"official{n}@demo.example",
                institution="Demo institution",
                position="Demo official",
                language=official.language,
                country_code=official.country,
                observer_organization=official.observer,
                profile_code=official.profile,
                consent_to_list=n % 3 != 0,
            ),
            now=series.registration_opens_at,
        )
        # The demo officials followed the link of their verification e-mail.
        if registration.status == RegistrationStatus.UNVERIFIED:
            services.verify_address(registration, now=series.registration_opens_at)
        if official.approved:
            services.approve(registration)
