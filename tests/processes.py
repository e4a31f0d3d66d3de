"""Run manage.py in a fresh process, as a deployment would, with only the settings a test gives."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Settings from the machine running the tests must not leak into the process under test.
PROJECT_VARIABLES = ("DJANGO_", "AWS_", "TASKS_", "MEDIA_STORAGE_URL", "DATABASE_REPLICA_")


def run_manage(*args, env_overrides, tmp_path):
    """`manage.py *args` with the test's settings and a private DJANGO_VAR_DIR; the result."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PROJECT_VARIABLES)}
    env.update({"DJANGO_VAR_DIR": str(tmp_path / "var"), **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
