"""Run the Nu Html Checker and axe-core, installed from npm by `make install-checkers`."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"


def require(path, what):
    """Skip when a checker is missing on a developer's machine; fail in CI."""
    if path.exists():
        return
    message = f"{what} not found at {path}; run `make install-checkers`."
    if os.environ.get("REQUIRE_CHECKERS"):
        pytest.fail(message)
    pytest.skip(message)


def nu_html_errors(documents, tmp_path):
    """Validate {name: html} with vnu.jar in one JVM run; return 'name:line: message' errors."""
    require(VNU_JAR, "The Nu Html Checker")
    java = shutil.which("java")
    if java is None:
        if os.environ.get("REQUIRE_CHECKERS"):
            pytest.fail("java not found; install default-jre-headless.")
        pytest.skip("java not found; install default-jre-headless.")
    paths = {}
    for name, html in documents.items():
        path = tmp_path / f"{len(paths):02d}.html"
        path.write_text(html, encoding="utf-8")
        paths[str(path)] = name
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stderr)
    errors = []
    for message in report["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            source = paths.get(message.get("url", "").removeprefix("file:"), message.get("url"))
            errors.append(f"{source}:{message.get('lastLine', '?')}: {message['message']}")
    return errors


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the loaded page; return the violations at the given impact levels."""
    require(AXE_JS, "axe-core")
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in impacts
    ]
