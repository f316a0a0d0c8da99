"""Where uploaded files live: one interface, the local filesystem or an S3-compatible bucket.

`get_storage()` picks the backend from the configuration: `STORAGE_BACKEND` "local" (the
default, files under `instance/uploads`) or "s3" (boto3; `STORAGE_S3_BUCKET`, and
`STORAGE_S3_ENDPOINT_URL` for a non-AWS service), so that several web hosts share the files.
"""

from webinars.storage.backends import (
    LocalStorage,
    S3Storage,
    Storage,
    StoredFileMissing,
    get_storage,
    new_key,
)
from webinars.storage.filetypes import FileKind, sniff

__all__ = [
    "FileKind",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StoredFileMissing",
    "get_storage",
    "new_key",
    "sniff",
]
