"""Load-test the public pages, cached and uncached, at two archive sizes, against baselines.

Usage (PostgreSQL and Redis running; `make bench` runs this):
    .venv/bin/python benchmarks/pages.py [--scales 1000,100000] [--duration 10] [--connections 8]

For each scale it creates (once) a PostgreSQL database newsroom_bench_<scale>, migrates it and
fills it with `seed_archive`, then serves the site with gunicorn (gunicorn.conf.py, 2 sync
workers, production settings, Redis cache) and runs wrk against home, article, section, tag,
search and feed: once with the page cache on, once with it off. In the same run, under the same
gunicorn, it measures a bare WSGI app returning the article page's bytes and the same bytes
served as a static file. It writes benchmarks/pages-results.md (figures and the targets'
ratios) and benchmarks/explain-<scale>.md (query plans).
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
VAR = ROOT / "var" / "bench"
PAGES = ["home", "article", "section", "tag", "search", "feed"]


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def environment(scale, cache_on=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PAGE_CACHE"))}
    env.update(
        {
            "DATABASE_URL": f"{PG}/newsroom_bench_{scale}",
            "REDIS_URL": REDIS,
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_VAR_DIR": str(VAR / str(scale)),
            "STATIC_ROOT": str(VAR / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PAGE_CACHE_ENABLED": "1" if cache_on else "0",
            "DATABASE_CONN_MAX_AGE": "600",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
    )
    return env


def ensure_database(scale, out):
    name = f"newsroom_bench_{scale}"
    exists = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {name}"], os.environ.copy())
    env = environment(scale)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.monotonic()
    run([PYTHON, "manage.py", "seed_archive", "--articles", str(scale)], env)
    seconds = time.monotonic() - started
    out.append(f"- seed_archive --articles {scale}: {seconds:.0f} s (a few if already seeded)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, app, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=2)
                return
            except OSError as error:
                if getattr(error, "code", None):
                    return
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn for {app} did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def page_paths(scale):
    script = (
        "import json;from django.utils import translation;translation.activate('es');"
        "from django.db.models import Count;from articles.models import Article,Section;"
        "from taggit.models import Tag;"
        "p=Article.objects.published().in_language('es').order_by('-published_at');"
        "a=p[min(200,p.count()-1)];s=a.section;"
        "t=Tag.objects.annotate(n=Count('taggit_taggeditem_items')).order_by('-n').first();"
        "print(json.dumps({'home':'/es/','article':a.get_absolute_url(),"
        "'section':s.get_absolute_url(),'tag':'/es/tags/%s/'%t.slug,"
        "'search':'/es/search/?q=gas','feed':'/es/feed/'}))"
    )
    result = run(
        [PYTHON, "manage.py", "shell", "-c", script],
        environment(scale),
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, connections):
    for _ in range(3):  # warm the workers, the database and the cache
        urllib.request.urlopen(url, timeout=30).read()
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output).groups()
        latency[percentile] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    return {"rps": rps, "p50": latency["50"], "p99": latency["99"]}


def versions():
    def out(command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "not found"

    import django
    import gunicorn

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return [
        f"- machine: {os.cpu_count()} cores, {cpu}, {platform.platform()}",
        f"- Python {platform.python_version()}, Django {django.__version__}, "
        f"gunicorn {gunicorn.__version__} (2 sync workers, gunicorn.conf.py)",
        f"- {out(['psql', '--version'])}; {out(['redis-server', '--version']).split(' sha')[0]}",
        f"- {out(['wrk', '--version']).splitlines()[0] if shutil.which('wrk') else 'wrk missing'}",
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1000,100000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "pages-results.md"))
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    notes = []
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], environment(scales[0]))
    results = {}
    for scale in scales:
        ensure_database(scale, notes)
        with open(ROOT / "benchmarks" / f"explain-{scale}.md", "w") as handle:
            handle.write(f"# Query plans at {scale} articles\n\n")
            handle.flush()
            run([PYTHON, "benchmarks/explain.py"], environment(scale), stdout=handle)
        paths = page_paths(scale)
        for mode in ("cached", "uncached"):
            server = Gunicorn("newsroom.wsgi", environment(scale, cache_on=mode == "cached"))
            try:
                for page in PAGES:
                    figures = wrk(server.url + paths[page], args.duration, args.connections)
                    results[(scale, mode, page)] = figures
                    print(scale, mode, page, figures, flush=True)
                if mode == "cached" and scale == scales[0]:
                    article = urllib.request.urlopen(server.url + paths["article"]).read()
            finally:
                server.stop()
    baseline_dir = VAR / "baseline"
    baseline_dir.mkdir(parents=True, exist_ok=True)
    (baseline_dir / "article.html").write_bytes(article)
    base_env = os.environ | {"BASELINE_FILE": str(baseline_dir / "article.html")}
    for name in ("bare", "static"):
        server = Gunicorn(f"benchmarks.baseline:{name}", base_env)
        try:
            results[("baseline", name, "article")] = wrk(
                server.url + "/article.html", args.duration, args.connections
            )
            print("baseline", name, results[("baseline", name, "article")], flush=True)
        finally:
            server.stop()
    write_report(args, scales, results, notes)


def write_report(args, scales, results, notes):
    small, large = scales[0], scales[-1]
    lines = [
        "# Page benchmark results",
        "",
        f"Command: `.venv/bin/python benchmarks/pages.py --scales {args.scales} "
        f"--duration {args.duration} --connections {args.connections}` (what `make bench` "
        f"runs); wrk with 2 threads and {args.connections} connections, {args.duration} s per "
        "page, on 127.0.0.1, sharing the machine's cores with gunicorn, PostgreSQL and Redis.",
        "",
        *versions(),
        *notes,
        "",
        "| articles | page cache | page | requests/s | p50 ms | p99 ms |",
        "|---:|---|---|---:|---:|---:|",
    ]
    for (scale, mode, page), figures in results.items():
        if scale == "baseline":
            continue
        lines.append(
            f"| {scale:,} | {mode} | {page} | {figures['rps']:.0f} | {figures['p50']:.1f} | "
            f"{figures['p99']:.1f} |"
        )
    bare = results[("baseline", "bare", "article")]
    static = results[("baseline", "static", "article")]
    lines += [
        f"| — | bare WSGI app, same bytes | article | {bare['rps']:.0f} | {bare['p50']:.1f} | "
        f"{bare['p99']:.1f} |",
        f"| — | static file (WhiteNoise) | article | {static['rps']:.0f} | "
        f"{static['p50']:.1f} | {static['p99']:.1f} |",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for page in PAGES:
        if page == "search":
            continue  # never cached
        ratio = results[(large, "cached", page)]["rps"] / bare["rps"]
        lines.append(
            f"| cached {page} at {large:,} ≥ 50% of bare WSGI | {ratio:.0%} | "
            f"{'yes' if ratio >= 0.5 else 'no'} |"
        )
    for page in PAGES:
        ratio = (
            results[(small, "uncached", page)]["rps"] / results[(large, "uncached", page)]["rps"]
        )
        lines.append(
            f"| uncached {page}: throughput at {small:,} ÷ at {large:,} ≤ 1.2 | {ratio:.2f} | "
            f"{'yes' if ratio <= 1.2 else 'no'} |"
        )
    search_ratio = (
        results[(large, "uncached", "search")]["p99"]
        / results[(large, "uncached", "article")]["p99"]
    )
    lines.append(
        f"| search p99 ≤ 10 × uncached article p99 at {large:,} | {search_ratio:.1f}× | "
        f"{'yes' if search_ratio <= 10 else 'no'} |"
    )
    Path(args.output).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
