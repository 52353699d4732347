"""The `[kartwheel]` config section: off switches for the parts that replace luigi's own paths for speed.

```ini
[kartwheel]
fast_scheduler = true        # false: luigi's own local scheduler and worker result queue
log_helper_process = true    # false: every log is written inline by the worker
supplementary_logs = true    # false: no files under <workspace>/log/ (get_task_log() & co. then raise)
progress = true              # false: no progress line during a run (also --no-progress)
progress_seconds = 5         # seconds between plain progress lines when output is not a terminal
endpoint_url = http://minio:9000                      # an S3-compatible server for s3:// workspaces
storage_options = {"client_kwargs": {"region_name": "eu-west-1"}}   # fsspec options, as JSON
```

Settings are read when a build or run starts (`refresh()`), not for every task: reading a luigi config
class costs about 0.1 ms, a tenth of a trivial task.
"""

from __future__ import annotations

import luigi

from ..errors import ConfigError
from .parameters import ExplicitBoolParameter

__all__ = ["SECTION", "KartwheelSettings", "current", "refresh"]

SECTION = "kartwheel"


class KartwheelSettings(luigi.Config):
    """The `[kartwheel]` section (also `--kartwheel-<name> false` on the command line)."""

    fast_scheduler = ExplicitBoolParameter(
        default=True,
        description="Schedule with kartwheel's ready queue; false falls back to luigi's local scheduler and worker.",
    )
    log_helper_process = ExplicitBoolParameter(
        default=True,
        description="Write task logs from a helper process once a process has logged 64 tasks; false writes inline.",
    )
    supplementary_logs = ExplicitBoolParameter(
        default=True,
        description="Write the logs under <workspace>/log/ after each successful task; false writes none.",
    )

    # Read where they are used (plan_command.py, storage_options.py), declared here so that luigi knows them.
    progress = ExplicitBoolParameter(default=True, description="Show a progress line during a run.")
    progress_seconds = luigi.OptionalFloatParameter(
        default=None, description="Seconds between plain progress lines when output is not a terminal."
    )
    endpoint_url = luigi.OptionalParameter(default=None, description="The S3-compatible server of s3:// workspaces.")
    storage_options = luigi.OptionalParameter(default=None, description="fsspec storage options, as a JSON object.")

    @classmethod
    def get_task_family(cls) -> str:
        return SECTION


_current: KartwheelSettings | None = None


def refresh() -> KartwheelSettings:
    """Read the `[kartwheel]` section now; the builds and runs that start later use what it says."""
    global _current
    try:
        _current = KartwheelSettings()
    except ValueError as exc:
        reason = f"{exc.__cause__}" if exc.__cause__ else f"{exc}"
        raise ConfigError(f"[{SECTION}] in the configuration: {exc} ({reason}); each setting is true or false") from exc
    return _current


def current() -> KartwheelSettings:
    """The settings read by the last `refresh()` (read now, if none has been)."""
    return _current if _current is not None else refresh()
