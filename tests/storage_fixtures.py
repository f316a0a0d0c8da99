"""Files of each accepted kind, built in memory, and moto's standalone S3 server."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator

import pytest

from .helpers import free_ports

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ooxml(part: str) -> bytes:
    """The smallest zip an Office Open XML reader would look at: its content types and a part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")
PPTX = ooxml("ppt/presentation.xml")


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[str]:
    """moto's standalone server on a free localhost port, over HTTP; its endpoint URL."""
    pytest.importorskip("moto.server", reason="moto[server] is not installed (dev extras)")
    (port,) = free_ports(1)
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("moto's server stopped at start")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
