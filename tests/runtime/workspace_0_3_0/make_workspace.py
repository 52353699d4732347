"""Build the committed workspace `resources/` beside this file. Run once, with kartwheel 0.3.0; never again.

The point of the fixture is to keep the bytes kartwheel 0.3.0 wrote (file names with 0.3.0's hashes, its
pickles, zips and logs), so that `tests/runtime/test_workspace_0_3_0.py` proves later versions still read
them and count them as cached. Rerunning this with a later version would replace them with that version's
own output and prove nothing: the script refuses any other version and an existing `resources/`.

It was run from the repository root as

    PYTHONPATH=runtime:. python tests/runtime/workspace_0_3_0/make_workspace.py

with kartwheel 0.3.0 (commit 4f2f831), Python 3.11, luigi 3.8.1, cloudpickle 3.1.3, pandas 3.1.2, numpy 2.4.6
and pyarrow 26.0.1. The workspace is the default `./resources`, relative to this folder, so nothing written
holds an absolute path. What is removed after the build is machine-specific, not part of what 0.3.0 leaves
for a later run to read: `log/external_files/` (ExternalFile's note of the raw file's size, modification
time and SHA-256, named by a hash of its absolute path, so never found again after a copy; the content is
hashed again instead) and the empty `tmp/` folder the model target unpacks in.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[2]
VERSION = "0.3.0"


def main() -> None:
    sys.path.insert(0, str(REPOSITORY))  # the tasks' module is `tests.runtime.workspace_0_3_0.tasks`, as in the test

    import kartwheel
    from kartwheel.testing import isolated_config, run_task

    from tests.runtime.workspace_0_3_0 import tasks

    if kartwheel.__version__ != VERSION:
        sys.exit(f"this fixture keeps what kartwheel {VERSION} wrote; this is kartwheel {kartwheel.__version__}")
    workspace = HERE / "resources"
    if workspace.exists():
        sys.exit(f"{workspace} exists: the fixture is committed and must keep {VERSION}'s bytes")
    os.chdir(HERE)  # the default workspace ./resources and the raw file's relative path are taken from here
    with isolated_config(luigi_files=False):
        run = run_task(tasks.Report())
    expected = ["Settings", "Clean", "Scaled", "Arrays", "Model", "Report"]
    if sorted(tasks.RUNS) != sorted(expected) or sorted(run.ran_names()) != sorted(expected):
        sys.exit(f"expected {expected} to run once each, got {tasks.RUNS}")
    shutil.rmtree(workspace / "log" / "external_files")
    (workspace / "tmp").rmdir()
    for path in sorted(workspace.rglob("*")):
        if path.is_file():
            print(f"{path.stat().st_size:7d}  {path.relative_to(HERE).as_posix()}")


if __name__ == "__main__":
    main()
