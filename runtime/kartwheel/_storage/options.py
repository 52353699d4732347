"""Options for remote workspaces, from the configuration (`[kartwheel]`, else `[TaskOnKart]`).

    [kartwheel]
    endpoint_url = http://minio:9000                       # s3:// only: an S3-compatible server
    storage_options = {"key": "${AWS_ACCESS_KEY_ID}", "client_kwargs": {"region_name": "eu-west-1"}}

`storage_options` is a JSON object passed to the filesystem (for s3://, s3fs's `S3FileSystem`); without
them, s3fs reads the AWS SDK's own environment variables and files (`AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL`...).
"""

from __future__ import annotations

import json
from typing import Any

import luigi

from ..errors import ConfigError

__all__ = ["storage_options"]

SECTIONS = ("kartwheel", "TaskOnKart")


def _option(name: str) -> tuple[str, str] | None:
    config = luigi.configuration.get_config()
    for section in SECTIONS:
        if config.has_option(section, name):
            return section, config.get(section, name)
    return None


def storage_options(scheme: str) -> dict[str, Any]:
    """The keyword arguments for the filesystem of `scheme`, as configured (empty when nothing is)."""
    options: dict[str, Any] = {}
    found = _option("storage_options")
    if found is not None:
        section, text = found
        try:
            options = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"[{section}] storage_options is not JSON ({exc}): {text!r}") from None
        if not isinstance(options, dict):
            raise ConfigError(f'[{section}] storage_options must be a JSON object like {{"anon": false}}: {text!r}')
    endpoint = _option("endpoint_url")
    if endpoint is not None:
        section, url = endpoint
        if scheme not in ("s3", "s3a"):
            raise ConfigError(f"[{section}] endpoint_url applies to s3:// workspaces, not {scheme}://; remove it")
        options["endpoint_url"] = url
    return options
