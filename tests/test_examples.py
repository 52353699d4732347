"""The examples/ files parse and describe what the README says (they are not run here)."""

from __future__ import annotations

from pathlib import Path

import yaml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_docker_compose_has_a_scheduler_a_store_and_two_workers_on_s3():
    compose = yaml.safe_load((EXAMPLES / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"luigid", "minio", "make-bucket", "worker-1", "worker-2"} <= set(services)
    assert "luigid --port 8082" in services["luigid"]["command"]
    assert "--state-path" in services["luigid"]["command"]
    for name in ("worker-1", "worker-2"):
        worker = services[name]
        assert "--scheduler-host luigid --scheduler-port 8082" in worker["command"]
        assert worker["environment"]["KARTWHEEL_WORKSPACE"].startswith("s3://")
        assert worker["environment"]["KARTWHEEL_ENDPOINT"] == "http://minio:9000"
        assert worker["depends_on"]["luigid"]["condition"] == "service_healthy"
    assert "mc mb" in services["make-bucket"]["entrypoint"]
