"""The storage interface: the local filesystem and an S3 bucket (moto's server over HTTP),
and what a file is, read from its content."""

from __future__ import annotations

from pathlib import Path

import pytest

from webinars.storage import LocalStorage, S3Storage, StoredFileMissing, new_key, sniff
from webinars.storage.filetypes import FileKind

from ..storage_fixtures import DOCX, PDF, PPTX, XLSX, moto_s3, ooxml  # noqa: F401


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, FileKind.PDF),
        (DOCX, FileKind.DOCX),
        (XLSX, FileKind.XLSX),
        (PPTX, FileKind.PPTX),
        (b"not a pdf at all", None),
        (b"PK\x03\x04 broken zip", None),
        (ooxml("word/document.xml").replace(b"[Content_Types].xml", b"[Content_Typez].xml"), None),
        (ooxml("other/file.xml"), None),
        (b"", None),
    ],
)
def test_sniff_reads_the_content(data: bytes, kind: FileKind | None) -> None:
    assert sniff(data) == kind


def _round_trip(storage) -> None:
    key = new_key("submissions/1")
    storage.save(key, PDF, "application/pdf")
    assert storage.read(key) == PDF
    storage.save(key, DOCX, "application/zip")
    assert storage.read(key) == DOCX
    storage.delete(key)
    with pytest.raises(StoredFileMissing):
        storage.read(key)


def test_local_storage(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    _round_trip(storage)
    with pytest.raises(ValueError):
        storage.save("../escape", b"x", "text/plain")


def test_s3_storage_against_motos_server(moto_s3: str) -> None:  # noqa: F811
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="webinars-test")
    _round_trip(S3Storage("webinars-test", client))
