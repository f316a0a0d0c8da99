"""The storage backends. Keys are opaque, generated here, never taken from a file's name."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Protocol

from flask import current_app


class StoredFileMissing(LookupError):
    """The key names no stored file."""


class Storage(Protocol):
    """Save, read and delete whole files by key."""

    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key(prefix: str) -> str:
    """A fresh unguessable key under `prefix` (e.g. "submissions/12")."""
    return f"{prefix.strip('/')}/{secrets.token_hex(16)}"


def _check_key(key: str) -> str:
    parts = key.split("/")
    if not key or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"bad storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a directory of this host (`instance/uploads` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket, shared by every web host."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    @classmethod
    def from_config(cls, config: Any) -> S3Storage:
        # Imported here: boto3 takes a while to import, and only an S3 setup needs it.
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL") or None,
            region_name=config.get("STORAGE_S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("STORAGE_S3_ACCESS_KEY") or None,
            aws_secret_access_key=config.get("STORAGE_S3_SECRET_KEY") or None,
        )
        return cls(config["STORAGE_S3_BUCKET"], client)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=_check_key(key), Body=data, ContentType=content_type
        )

    def read(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=_check_key(key))
        except self.client.exceptions.NoSuchKey as error:
            raise StoredFileMissing(key) from error
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_check_key(key))


def get_storage() -> Storage:
    """The configured backend, built once per app."""
    storage = current_app.extensions.get("webinars_storage")
    if storage is None:
        config = current_app.config
        if config.get("STORAGE_BACKEND", "local") == "s3":
            storage = S3Storage.from_config(config)
        else:
            root = config.get("STORAGE_LOCAL_ROOT") or Path(current_app.instance_path) / "uploads"
            storage = LocalStorage(Path(root))
        current_app.extensions["webinars_storage"] = storage
    return storage
