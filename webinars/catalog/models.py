"""Countries, organizations, working groups and the people who speak at sessions."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webinars.extensions import db
from webinars.i18n import Bilingual


class Country(Bilingual, db.Model):
    """An RCM member country."""

    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2
    name_en: Mapped[str] = mapped_column(String(80))
    name_es: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64))

    @property
    def name(self) -> str:
        return self.t("name")

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Organization(Bilingual, db.Model):
    """An observer or partner: IOM, UNODC, the Technical Secretariat, the PPT..."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym_en: Mapped[str] = mapped_column(String(20), unique=True)
    acronym_es: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200))

    @property
    def name(self) -> str:
        return self.t("name")

    @property
    def acronym(self) -> str:
        return self.t("acronym")

    def __repr__(self) -> str:
        return f"<Organization {self.acronym_en}>"


class WorkingGroup(Bilingual, db.Model):
    """A working group of the conference; it owns series and meetings."""

    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200))

    @property
    def name(self) -> str:
        return self.t("name")


class Person(Bilingual, db.Model):
    """A panelist, moderator, facilitator, speaker or rapporteur."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_es: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)

    organization: Mapped[Organization | None] = relationship()
    country: Mapped[Country | None] = relationship()

    @property
    def title(self) -> str:
        return self.t("title")

    def __repr__(self) -> str:
        return f"<Person {self.name}>"
