"""A bounded load test: readers browse, editors save articles and sources send tips, all at once.

Usage (PostgreSQL and Redis running; `make load` runs this):
    .venv/bin/python benchmarks/load.py [--duration 45] [--readers 6] [--editors 4]
        [--sources 3] [--workers 3] [--articles 1000] [--keep] [--no-record]

What it does:
1. Creates a scratch PostgreSQL database (newsroom_load, dropped and made again on every run),
   migrates it, fills it with `seed_archive --articles N`, collects static files, makes a tips
   key pair with `tips_keygen`, and creates one account per editor in the Editor group with a
   known password and a confirmed TOTP authenticator (two-factor is required for editors in
   production, so the editors sign in with a code, as people do).
2. Serves the site with gunicorn and the shipped gunicorn.conf.py on 127.0.0.1, with production
   settings (DJANGO_ENV=production, DEBUG off, HTTPS-only cookies, SSL redirect, HSTS, 2FA),
   PostgreSQL and Redis (page cache, rate limits, tip form nonces). Every request carries
   `X-Forwarded-Proto: https`, as the TLS proxy in front of the site adds it, and the client
   sends its HTTPS-only cookies back over the loopback connection, standing in for the proxy.
   Two limits are changed for the run, and only these: TIPS_SUBMIT_RATE (all simulated sources
   share 127.0.0.1, one "network", which the real limit allows 10 tips an hour) and
   TIPS_MIN_FILL_SECONDS (1 s instead of 3 s, so each source sends more tips in the time).
3. For --duration seconds, at the same time:
   - readers GET home pages, sections, tags, authors, archives, articles (including the ones
     the editors publish during the run), search and feeds, with no pause;
   - editors sign in to /admin/ (password + TOTP code) and then, one after the other, create
     published articles with a unique marker headline (add form, "save and continue"), edit
     articles of their own (seeded ones and the ones they created; the standfirst gets a unique
     marker), and sometimes all edit one shared article, where the optimistic-concurrency
     check may refuse a save made from an older revision: that refusal, with its message, is a
     correct answer and is counted apart, not as an error. After each acknowledged save of
     their own article they read it as an anonymous reader: it must show the new text;
   - sources load the tip form, wait the fill time, send a tip with a unique marker (every
     fourth with a small JPEG photo, half of them about a story) and keep the receipt code.
   Every answer other than the expected one (5xx, 4xx, a connection error, a timeout, a page
   without the expected content) counts as an error; nothing is retried.
4. Verifies, against the database: every acknowledged new article exists exactly once, none
   exists that was not acknowledged; every acknowledged edit is in exactly one
   django-reversion version and the revision counters match the acknowledged saves; refused
   saves left no trace; every receipt code finds its tip (tips.services.find_tip), each tip
   holds its marker exactly once (opened with the private key, which only the verifier has),
   with its story and its photo (decrypted, a JPEG of the sent size), and the number of tips
   and attachments equals the number of receipts and photos sent. It also scans the server log
   for tracebacks and errors.
5. Prints the figures and writes them to benchmarks/load-results.md and to the section "Load
   test: readers, editors and sources together" of benchmarks/RESULTS.md (--no-record skips
   that), stops gunicorn, drops the scratch database (unless --keep). Exits 1 on any error,
   loss or duplicate.
"""

import argparse
import html
import io
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.forms import as_items, form_with  # noqa: E402

PYTHON = sys.executable
PG = os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/8")
DATABASE = "newsroom_load"
VAR = ROOT / "var" / "load"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
RAW_RESULTS = ROOT / "benchmarks" / "load-results.md"
SECTION_TITLE = "## Load test: readers, editors and sources together"
TIMEOUT = (5, 60)  # connect, read (gunicorn kills a request after 30 s)
CONFLICT_TEXT = "after you opened it. Your changes have not been saved"
RECEIPT = re.compile(r'data-testid="receipt-code">([^<]+)<')
EDIT_MARK = re.compile(r"\s*LOADEDIT-[A-Za-z0-9-]+")
EDITOR_PAUSE = (0.5, 1.5)  # seconds between an editor's actions
# What readers ask for, by weight: mostly articles, then fronts, lists, search and feeds.
READER_MIX = {
    "article": 35,
    "new article": 5,
    "home": 14,
    "section": 10,
    "tag": 8,
    "author": 4,
    "archive": 4,
    "search": 8,
    "feed": 8,
    "other": 4,
}


# Environment and setup ----------------------------------------------------------------------


def environment(args, public_key=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TIPS_"))}
    env.update(
        {
            "DATABASE_URL": f"{PG}/{DATABASE}",
            "REDIS_URL": REDIS,
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "load-test-only-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_VAR_DIR": str(VAR),
            "DJANGO_LOG_LEVEL": "WARNING",
            "TIPS_RECEIPT_SALT": "load-test-receipt-salt",
            # All simulated sources come from 127.0.0.1, one network for the per-network limit
            # (10/h in production): raised so the limit does not refuse the test's own tips.
            "TIPS_SUBMIT_RATE": "100000/h",
            # A person needs at least 3 s; the simulated sources "type" for 1-1.5 s.
            "TIPS_MIN_FILL_SECONDS": "1",
            "GUNICORN_WORKERS": str(args.workers),
            "GUNICORN_ACCESS_LOG": str(VAR / "access.log"),
            "GUNICORN_ERROR_LOG": "-",
        }
    )
    if public_key:
        # The public servers get only the public key, as in production.
        env["TIPS_PUBLIC_KEY"] = public_key
    return env


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def psql(sql):
    run(["psql", f"{PG}/postgres", "-qc", sql], os.environ.copy(), capture_output=True)


def prepare_database(args, notes):
    """A fresh scratch database, migrated and seeded; a tips key pair; static files."""
    started = time.monotonic()
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    shutil.rmtree(VAR / "media", ignore_errors=True)
    for name in ("tips_key.json", "access.log", "gunicorn.log"):
        (VAR / name).unlink(missing_ok=True)
    VAR.mkdir(parents=True, exist_ok=True)
    env = environment(args)
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run(
        [PYTHON, "manage.py", "seed_archive", "--articles", str(args.articles), "--images", "12"],
        env,
        stdout=subprocess.DEVNULL,
    )
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    output = run(
        [PYTHON, "manage.py", "tips_keygen", str(VAR / "tips_key.json")],
        env,
        capture_output=True,
        text=True,
    ).stdout
    public_key = re.search(r"TIPS_PUBLIC_KEY=(\S+)", output).group(1)
    notes.append(
        f"setup (create {DATABASE}, migrate, seed_archive --articles {args.articles}, "
        f"collectstatic, tips_keygen): {time.monotonic() - started:.0f} s"
    )
    return public_key


def start_django(env):
    """Set up Django in this process (for accounts, fixtures and the verification)."""
    os.environ.update(env)
    os.environ["TIPS_PRIVATE_KEY_FILE"] = str(VAR / "tips_key.json")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def prepare_fixtures(args):
    """Editor accounts with TOTP devices, their articles, and the URLs readers visit."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connections
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from reversion.models import Version
    from taggit.models import Tag

    from articles.models import Article, Section
    from authors.models import Author
    from images.models import Image

    editors = []
    group = Group.objects.get(name="Editor")
    for number in range(args.editors):
        password = secrets.token_urlsafe(18)
        user = get_user_model().objects.create_user(
            username=f"load-editor-{number}",
            password=password,
            first_name="Load",
            last_name=f"Editor {number}",
            is_staff=True,
        )
        user.groups.add(group)
        device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
        editors.append({"username": user.username, "password": password, "device": device})

    published = Article.objects.published().select_related("section")
    recent = list(published.order_by("-published_at")[: 4 * args.editors + 1])
    contested = recent[0]
    watched = {}

    def describe(article):
        watched[article.pk] = {
            "revision": article.revision,
            "versions": Version.objects.get_for_object(article).count(),
        }
        return {"pk": article.pk, "url": article.get_absolute_url()}

    for number, editor in enumerate(editors):
        editor["articles"] = [describe(a) for a in recent[1 + 4 * number : 1 + 4 * number + 3]]
    images = Image.objects.exclude(alt_text="").values_list("pk", flat=True)
    fixtures = {
        "editors": editors,
        "contested": describe(contested),
        "watched": watched,
        "sections": {s.pk: s.slug for s in Section.objects.all()},
        "images": list(images),
        "authors": list(Author.objects.values_list("pk", flat=True)[:50]),
        "urls": reader_urls(Article, Section, Author, Tag, Count, published),
    }
    connections.close_all()
    return fixtures


def reader_urls(Article, Section, Author, Tag, Count, published):
    urls = defaultdict(list)
    urls["home"] = ["/es/", "/en/"]
    newest = list(published.order_by("-published_at")[:40])
    rng = random.Random(7)
    older = list(published.order_by("?")[:60])
    urls["article"] = [a.get_absolute_url() for a in newest + older]
    for section in Section.objects.all():
        for language in ("es", "en"):
            urls["section"].append(f"/{language}/sections/{section.slug}/")
        urls["section"].append(f"/es/sections/{section.slug}/?page=2")
        urls["feed"].append(f"/es/sections/{section.slug}/feed/")
    top_tags = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n")[:12]
    for tag in top_tags:
        urls["tag"].append(f"/{rng.choice(['es', 'en'])}/tags/{tag.slug}/")
        urls["feed"].append(f"/es/tags/{tag.slug}/feed/atom/")
    for author in Author.objects.annotate(n=Count("bylines")).order_by("-n")[:8]:
        urls["author"].append(f"/{rng.choice(['es', 'en'])}/authors/{author.slug}/")
        urls["feed"].append(f"/en/authors/{author.slug}/feed/")
    for article in newest[:10]:
        day = article.published_at
        urls["archive"].append(f"/{article.language}/archive/{day.year}/{day.month}/")
        urls["archive"].append(f"/{article.language}/archive/{day.year}/{day.month}/{day.day}/")
    urls["archive"] += ["/es/archive/2024/", "/en/archive/2025/"]
    for query in (
        "gas",
        "sanciones",
        "elecciones frontera",
        "acuerdo",
        "Teherán",
        "alto el fuego",
    ):
        urls["search"].append(f"/es/search/?q={query}")
    for query in ("gas", "sanctions", "trade", "border", "ceasefire", "Tehran"):
        urls["search"].append(f"/en/search/?q={query}")
    urls["feed"] += ["/es/feed/", "/en/feed/", "/es/feed/atom/", "/en/feed/atom/"]
    urls["other"] = [
        "/es/corrections/",
        "/en/corrections/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/es/about/",
    ]
    return dict(urls)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with the shipped gunicorn.conf.py (read from the working directory)."""

    def __init__(self, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(VAR / "gunicorn.log", "w")  # closed in stop()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                answer = requests.get(self.url + "/robots.txt", headers=PROXY, timeout=2)
                if answer.status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {VAR / 'gunicorn.log'}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=40)
        self.log.close()


# HTTP client --------------------------------------------------------------------------------

# What the TLS-terminating proxy adds to every request (DJANGO_BEHIND_PROXY is on by default).
PROXY = {"X-Forwarded-Proto": "https"}


def new_session(base, language="es"):
    session = requests.Session()
    session.headers.update(
        PROXY
        | {
            # A browser sends its origin with every POST; Django's CSRF check compares it to
            # the host, with the scheme the proxy reported.
            "Origin": "https://" + base.split("://", 1)[1],
            "Accept-Language": language,
            "User-Agent": "newsroom-load-test",
        }
    )
    return session


class Stats:
    """Every request's role, kind, latency and outcome; errors with what was answered."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = defaultdict(list)  # (role, kind) -> [seconds]
        self.errors = []  # (role, kind, description)
        self.outcomes = Counter()

    def add(self, role, kind, seconds):
        with self.lock:
            self.samples[(role, kind)].append(seconds)

    def error(self, role, kind, description):
        with self.lock:
            self.errors.append((role, kind, description))

    def count(self, outcome, n=1):
        with self.lock:
            self.outcomes[outcome] += n


class Client:
    """One simulated person: a session, and a request helper that records everything."""

    def __init__(self, base, stats, role, language="es"):
        self.base = base
        self.stats = stats
        self.role = role
        self.session = new_session(base, language)

    def request(self, kind, method, path, expect=(200,), **kwargs):
        """Return the response if its status is expected, else record an error and None."""
        url = path if path.startswith("http") else self.base + path
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as problem:
            self.stats.add(self.role, kind, time.monotonic() - started)
            self.stats.error(self.role, kind, f"{method} {path}: {type(problem).__name__}")
            return None
        self.stats.add(self.role, kind, time.monotonic() - started)
        # The server marks its cookies HTTPS-only; the browser talks HTTPS to the proxy, which
        # this client stands in for, so it keeps sending them over the loopback connection.
        for cookie in self.session.cookies:
            cookie.secure = False
        if response.status_code not in expect:
            text = re.sub(r"<(style|script)\b.*?</\1>", " ", response.text, flags=re.S)
            excerpt = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
            self.stats.error(
                self.role, kind, f"{method} {path}: {response.status_code} {excerpt[:300]}"
            )
            return None
        return response

    def fail(self, kind, description):
        self.stats.error(self.role, kind, description)


def totp_code(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# The three kinds of people --------------------------------------------------------------------


def reader(base, stats, deadline, urls, published, seed):
    rng = random.Random(seed)
    client = Client(base, stats, "readers")
    kinds, weights = zip(*READER_MIX.items(), strict=True)
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        if kind == "new article":
            if not published:
                continue
            path = rng.choice(published)
        else:
            path = rng.choice(urls[kind])
        answer = client.request(kind, "GET", path)
        if answer is not None:
            stats.count("reader pages")
            if answer.headers.get("X-Cache") == "HIT":
                stats.count("reader pages from the page cache")


class Editor:
    def __init__(self, base, stats, deadline, account, fixtures, ledger, published, number):
        self.client = Client(base, stats, "editors", language="en")
        self.reader = Client(base, stats, "editors")  # the same person, reading as the public
        self.stats = stats
        self.deadline = deadline
        self.account = account
        self.fixtures = fixtures
        self.ledger = ledger
        self.published = published
        self.number = number
        self.rng = random.Random(1000 + number)
        self.own = list(account["articles"])
        self.saves = 0

    def marker(self, kind):
        self.saves += 1
        return f"{kind}-{self.ledger['run']}-e{self.number}-{self.saves}"

    def run(self):
        if not self.sign_in():
            return
        while time.monotonic() < self.deadline:
            roll = self.rng.random()
            if roll < 0.35:
                self.create()
            elif roll < 0.8:
                self.edit(self.rng.choice(self.own), contested=False)
            else:
                self.edit(self.fixtures["contested"], contested=True)
            time.sleep(self.rng.uniform(*EDITOR_PAUSE))

    def sign_in(self):
        page = self.client.request("sign in", "GET", "/admin/login/?next=/admin/")
        if page is None:
            return False
        fields, _options = form_with(page.text, "username")
        fields.update(
            username=[self.account["username"]],
            password=[self.account["password"]],
            otp_token=[totp_code(self.account["device"])],
        )
        answer = self.client.request("sign in", "POST", "/admin/login/", (302,), data=fields)
        if answer is None or not answer.headers["Location"].endswith("/admin/"):
            self.client.fail("sign in", f"{self.account['username']} could not sign in")
            return False
        return True

    def create(self):
        page = self.client.request("add form", "GET", "/admin/articles/article/add/")
        if page is None:
            return
        fields, _options = form_with(page.text, "edit_revision")
        marker = self.marker("LOADNEW")
        language = self.rng.choice(["es", "en"])
        section = self.rng.choice(list(self.fixtures["sections"]))
        slug = marker.lower()
        fields.update(
            {
                "headline": [f"{marker} load test article"],
                "standfirst": [f"Standfirst of {marker}, written during the load test."],
                "body": [f"<p>Body of {marker}.</p><p>Second paragraph.</p>"],
                "article_type": ["news"],
                "section": [str(section)],
                "language": [language],
                "tags": ["load test, gas"],
                "lead_image": [str(self.rng.choice(self.fixtures["images"]))],
                "status": ["published"],
                "slug": [slug],
                "bylines-0-author": [str(self.rng.choice(self.fixtures["authors"]))],
                "bylines-0-role": ["Redacción"],
                "_continue": ["Save and continue editing"],
            }
        )
        answer = self.client.request(
            "create (POST)", "POST", "/admin/articles/article/add/", (302,), data=as_items(fields)
        )
        created = self.ledger["created"]
        if answer is None:
            created[marker] = None  # not acknowledged
            return
        found = re.search(r"/admin/articles/article/(\d+)/change/", answer.headers["Location"])
        if not found:
            created[marker] = None
            self.client.fail("create (POST)", f"{marker}: redirected to {answer.headers}")
            return
        pk = int(found.group(1))
        created[marker] = pk
        self.stats.count("articles created")
        url = f"/{language}/{self.fixtures['sections'][section]}/{slug}/"
        article = {"pk": pk, "url": url}
        self.own.append(article)
        self.ledger["edits"][pk] = new_edit_log()
        self.ledger["watched"][pk] = {"revision": 1, "versions": 1}
        self.client.request("change form", "GET", answer.headers["Location"])
        # Published as soon as the save was answered: a reader must find it at once.
        public = self.reader.request("read after save", "GET", url)
        if public is not None and marker not in public.text:
            self.reader.fail("read after save", f"{url} does not show {marker}")
        self.published.append(url)

    def edit(self, article, contested):
        path = f"/admin/articles/article/{article['pk']}/change/"
        page = self.client.request("change form", "GET", path)
        if page is None:
            return
        fields, _options = form_with(page.text, "edit_revision")
        marker = self.marker("LOADEDIT")
        standfirst = EDIT_MARK.sub("", fields["standfirst"][0]).strip()
        fields["standfirst"] = [f"{standfirst} {marker}"]
        fields["_save"] = ["Save"]
        if contested:
            # Others may save the same article while this one "types".
            time.sleep(self.rng.uniform(0.5, 2.5))
        answer = self.client.request(
            "edit (POST)", "POST", path, (302, 200), data=as_items(fields)
        )
        edits = self.ledger["edits"][article["pk"]]
        if answer is None:
            edits["unanswered"].append(marker)
            return
        if answer.status_code == 200:
            if contested and CONFLICT_TEXT in answer.text:
                edits["refused"].append(marker)
                self.stats.count("edits refused as concurrent saves (conflict message shown)")
                return
            edits["unanswered"].append(marker)
            errors = re.findall(r'class="errorlist[^"]*">(.*?)</ul>', answer.text, re.S)
            text = " ".join(re.sub(r"<[^>]+>", " ", " ".join(errors)).split())
            self.client.fail("edit (POST)", f"{path}: form refused: {text[:300]}")
            return
        edits["acknowledged"].append(marker)
        self.stats.count("edits acknowledged")
        self.client.request("change list", "GET", answer.headers["Location"])
        if not contested:
            public = self.reader.request("read after save", "GET", article["url"])
            if public is not None and marker not in public.text:
                self.reader.fail("read after save", f"{article['url']} still shows the old text")


def source(base, stats, deadline, ledger, photo, number):
    rng = random.Random(2000 + number)
    client = Client(base, stats, "sources")
    sent = 0
    while time.monotonic() < deadline:
        language = rng.choice(["es", "en"])
        path = f"/{language}/tips/"
        page = client.request("tip form", "GET", path)
        if page is None:
            time.sleep(1)
            continue
        fields, options = form_with(page.text, "token")
        sent += 1
        marker = f"LOADTIP-{ledger['run']}-s{number}-{sent}"
        stories = [value for value in options.get("article", []) if value]
        story = rng.choice(stories) if stories and rng.random() < 0.5 else ""
        fields.update(message=[f"Something happened ({marker})."], article=[story])
        files = None
        if sent % 4 == 1:
            files = {"attachments": (f"photo-{number}-{sent}.jpg", photo, "image/jpeg")}
        time.sleep(rng.uniform(1.05, 1.5))  # the form's minimum fill time is 1 s in this run
        answer = client.request("send tip (POST)", "POST", path, data=fields, files=files)
        if answer is None:
            ledger["tips_unanswered"].append(marker)
            continue
        code = RECEIPT.search(answer.text)
        if not code:
            ledger["tips_unanswered"].append(marker)
            client.fail("send tip (POST)", f"{marker}: no receipt code on the answer page")
            continue
        ledger["tips"].append(
            {
                "code": html.unescape(code.group(1)).strip(),
                "marker": marker,
                "files": 1 if files else 0,
                "story": int(story) if story else None,
            }
        )
        stats.count("tips with a receipt")
        time.sleep(rng.uniform(0.2, 1.0))


def new_edit_log():
    return {"acknowledged": [], "refused": [], "unanswered": []}


def small_jpeg():
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (320, 240), (40, 90, 160))
    draw = ImageDraw.Draw(picture)
    for x in range(0, 320, 16):
        draw.line([(x, 0), (320 - x, 240)], fill=(200, 180, 40), width=3)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


# Verification ---------------------------------------------------------------------------------


def verify(ledger):
    """Check every acknowledged write against the database; return (lines, problems)."""
    from django.db import connections

    lines, problems = [], []
    verify_articles(ledger, lines, problems)
    verify_edits(ledger, lines, problems)
    verify_tips(ledger, lines, problems)
    connections.close_all()
    return lines, problems


def verify_articles(ledger, lines, problems):
    from articles.models import Article

    before = len(problems)
    acknowledged = {marker: pk for marker, pk in ledger["created"].items() if pk}
    unanswered = [marker for marker, pk in ledger["created"].items() if not pk]
    stored = Counter()
    for headline, pk in Article.objects.filter(
        headline__startswith=f"LOADNEW-{ledger['run']}-"
    ).values_list("headline", "pk"):
        stored[(headline.split()[0], pk)] += 1
    by_marker = Counter(marker for marker, _pk in stored.elements())
    for marker, pk in acknowledged.items():
        if by_marker[marker] != 1 or stored[(marker, pk)] != 1:
            problems.append(f"article {marker}: acknowledged as #{pk}, {by_marker[marker]} rows")
    extra = [m for m in by_marker if m not in acknowledged]
    for marker in extra:
        problems.append(f"article {marker}: saved but not acknowledged ({by_marker[marker]} rows)")
    ok = (
        "each found exactly once"
        if not extra and len(problems) == before
        else "PROBLEMS (listed below)"
    )
    lines.append(
        f"new articles: {len(acknowledged)} acknowledged, {ok}; {len(unanswered)} unanswered, "
        f"{len(extra)} saved but not acknowledged"
    )


def version_standfirsts(article):
    from reversion.models import Version

    texts = []
    for version in Version.objects.get_for_object(article).order_by("pk"):
        texts.append(json.loads(version.serialized_data)[0]["fields"]["standfirst"])
    return texts


def verify_edits(ledger, lines, problems):
    from articles.models import Article

    before = len(problems)
    acknowledged = refused = unanswered = 0
    for pk, start in ledger["watched"].items():
        edits = ledger["edits"][pk]
        acknowledged += len(edits["acknowledged"])
        refused += len(edits["refused"])
        unanswered += len(edits["unanswered"])
        article = Article.objects.get(pk=pk)
        texts = version_standfirsts(article)
        wanted_revision = start["revision"] + len(edits["acknowledged"])
        wanted_versions = start["versions"] + len(edits["acknowledged"])
        if article.revision != wanted_revision or len(texts) != wanted_versions:
            problems.append(
                f"article #{pk}: revision {article.revision} (expected {wanted_revision}), "
                f"{len(texts)} versions (expected {wanted_versions})"
            )
        found = Counter(m for text in texts for m in re.findall(r"LOADEDIT-[\w-]+", text))
        for marker in edits["acknowledged"]:
            if found[marker] != 1:
                problems.append(
                    f"edit {marker} of #{pk}: acknowledged, in {found[marker]} versions"
                )
        for marker in edits["refused"] + edits["unanswered"]:
            if found[marker]:
                problems.append(f"edit {marker} of #{pk}: not acknowledged, but saved")
        if texts and article.standfirst != texts[-1]:
            problems.append(f"article #{pk}: its text is not its last version's")
        # Only its owner edits an article, except the shared one: the last edit must be the text.
        if edits["acknowledged"] and pk != ledger["contested"]:
            if not article.standfirst.endswith(edits["acknowledged"][-1]):
                problems.append(f"article #{pk}: the last acknowledged edit is not the text")
    ok = "all found exactly once, revisions and versions match"
    if len(problems) != before:
        ok = "PROBLEMS (listed below)"
    lines.append(
        f"edits: {acknowledged} acknowledged on {len(ledger['watched'])} articles, {ok}; "
        f"{refused} refused as concurrent saves (none of them stored), {unanswered} unanswered"
    )


def verify_tips(ledger, lines, problems):
    from PIL import Image

    from tips import crypto, services
    from tips.models import Tip, TipAttachment, TipMessage

    before = len(problems)
    receipts = ledger["tips"]

    def check(receipt):
        from django.db import connection

        try:
            tip, _key = services.find_tip(receipt["code"])
            if tip is None:
                return f"tip {receipt['marker']}: receipt code {receipt['code']!r} finds no tip"
            first = tip.messages.order_by("pk").first()
            sealed = crypto.unseal_json(first.sealed)
            if receipt["marker"] not in sealed["text"]:
                return f"tip {receipt['marker']}: its code opens another tip"
            story = (sealed.get("article") or {}).get("id")
            if story != receipt["story"]:
                return f"tip {receipt['marker']}: story {story}, sent {receipt['story']}"
            attachments = list(tip.attachments.all())
            if len(attachments) != receipt["files"]:
                return (
                    f"tip {receipt['marker']}: {len(attachments)} files, sent {receipt['files']}"
                )
            for attachment in attachments:
                meta = crypto.unseal_json(attachment.sealed_meta)
                with attachment.file.open("rb") as stream:
                    data = b"".join(
                        crypto.decrypt_file_chunks(
                            stream, crypto.base64.b64decode(meta["key"]), meta["size"]
                        )
                    )
                if Image.open(io.BytesIO(data)).size != (320, 240):
                    return f"tip {receipt['marker']}: the photo does not open as sent"
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        problems += [problem for problem in pool.map(check, receipts) if problem]
    markers = Counter()
    for message in TipMessage.objects.filter(kind=TipMessage.Kind.SOURCE):
        markers.update(re.findall(r"LOADTIP-[\w-]+", crypto.unseal_json(message.sealed)["text"]))
    for receipt in receipts:
        if markers[receipt["marker"]] != 1:
            problems.append(f"tip {receipt['marker']}: stored {markers[receipt['marker']]} times")
    sent = {receipt["marker"] for receipt in receipts}
    extra = [marker for marker in markers if marker not in sent]
    for marker in extra:
        problems.append(f"tip {marker}: saved but not acknowledged with a receipt")
    tips, files = Tip.objects.count(), TipAttachment.objects.count()
    photos = sum(receipt["files"] for receipt in receipts)
    if tips != len(receipts) or files != photos:
        problems.append(f"{tips} tips and {files} files stored; {len(receipts)} and {photos} sent")
    ok = (
        "each found exactly once by its code"
        if len(problems) == before
        else "PROBLEMS (listed below)"
    )
    lines.append(
        f"tips: {len(receipts)} receipts, {ok} with its marker and story; {tips} Tip rows; "
        f"{photos} photos sent, {files} stored and decrypted to the sent JPEG; "
        f"{len(ledger['tips_unanswered'])} unanswered, {len(extra)} saved but not acknowledged"
    )


def server_log_problems():
    text = (VAR / "gunicorn.log").read_text(errors="replace")
    bad = [
        line
        for line in text.splitlines()
        if re.search(r"Traceback|\bERROR\b|CRITICAL|WORKER TIMEOUT|SIGKILL", line)
    ]
    return bad


# Report ---------------------------------------------------------------------------------------


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def figures(values, seconds):
    values = sorted(values)
    return {
        "requests": len(values),
        "rps": len(values) / seconds,
        "p50": percentile(values, 0.50) * 1000,
        "p95": percentile(values, 0.95) * 1000,
        "p99": percentile(values, 0.99) * 1000,
    }


def row(cells, numbers, errors):
    return (
        f"| {' | '.join(str(c) for c in cells)} | {numbers['requests']} | "
        f"{numbers['rps']:.1f} | {numbers['p50']:.0f} | {numbers['p95']:.0f} | "
        f"{numbers['p99']:.0f} | {errors} |"
    )


def machine():
    import django
    import gunicorn

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    psql_version = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout
    redis_version = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True
    ).stdout
    return [
        f"- machine: {os.cpu_count()} cores, {cpu}, {platform.platform()}; the load generator "
        "(Python threads), gunicorn, PostgreSQL and Redis share these cores",
        f"- Python {platform.python_version()}, Django {django.__version__}, gunicorn "
        f"{gunicorn.__version__}, {psql_version.strip()}, "
        f"{redis_version.split(' sha')[0].strip()}",
    ]


def report(args, stats, seconds, notes, verification, problems, log_problems):
    roles = {"readers": args.readers, "editors": args.editors, "sources": args.sources}
    errors_by = Counter((role, kind) for role, kind, _text in stats.errors)
    saves = stats.outcomes["articles created"] + stats.outcomes["edits acknowledged"]
    lines = [
        SECTION_TITLE,
        "",
        f"Command: `{command_line(args)}` ({make_command(args)}), run on "
        f"{time.strftime('%Y-%m-%d')}: {seconds:.0f} s of load after setup.",
        "",
        *machine(),
        *[f"- {note}" for note in notes],
        f"- server: gunicorn with `gunicorn.conf.py`, {args.workers} sync workers, "
        "`DJANGO_ENV=production` (DEBUG off, HTTPS-only cookies, SSL redirect and HSTS, "
        "two-factor required for editors), PostgreSQL, Redis for the page cache, rate limits "
        "and form nonces; requests carry `X-Forwarded-Proto: https` as from the TLS proxy",
        "- changed for the run: `TIPS_SUBMIT_RATE=100000/h` (every simulated source comes from "
        "127.0.0.1, one network, which production allows 10 tips an hour) and "
        "`TIPS_MIN_FILL_SECONDS=1` (3 in production; sources wait 1.05–1.5 s before sending)",
        f"- people: {args.readers} readers (no pause between pages), {args.editors} editors "
        f"({EDITOR_PAUSE[0]}–{EDITOR_PAUSE[1]} s between actions; 35% create, 45% edit their "
        f"own articles, 20% edit one shared article), {args.sources} sources (1.05–1.5 s "
        "filling the form, 0.2–1 s between tips; every fourth tip with a 320×240 JPEG)",
        "",
        "How to read it: the pass condition is zero errors and zero lost, duplicated or "
        "unacknowledged writes. The throughput is not comparable with `make bench` (wrk, one "
        "page at a time): here every save purges the cached pages that show the "
        "article (home, its section, tags, authors, feeds, archives, sitemaps) and a page whose "
        "render overlaps a purge of one of its tags is not stored, so at about "
        f"{saves / seconds:.1f} saves a second most reader pages are rendered by Django; each "
        "tip costs the server two scrypt hashes (about 0.1 s of a core each); and the load "
        "generator's Python threads use the same cores as gunicorn, PostgreSQL and Redis.",
        "",
        "| role | people | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for role, people in roles.items():
        values = [v for (r, _k), vs in stats.samples.items() if r == role for v in vs]
        errors = sum(n for (r, _k), n in errors_by.items() if r == role)
        lines.append(row([role, people], figures(values, seconds), errors))
    everything = [v for vs in stats.samples.values() for v in vs]
    lines.append(
        row(["all", sum(roles.values())], figures(everything, seconds), len(stats.errors))
    )
    lines += [
        "",
        "| role | request | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for role in roles:
        for (r, kind), values in sorted(stats.samples.items()):
            if r == role:
                lines.append(row([role, kind], figures(values, seconds), errors_by[(r, kind)]))
    outcomes = Counter(stats.outcomes)
    pages, hits = (
        outcomes.pop("reader pages", 0),
        outcomes.pop("reader pages from the page cache", 0),
    )
    lines += [
        "",
        "Outcomes: " + ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) + "; "
        f"{hits} of {pages} reader pages ({hits / max(pages, 1):.0%}) came from the page cache "
        "(every save purges the pages that show the article: home, sections, tags, feeds…).",
    ]
    lines += ["", "Verification against the database after the run:", ""]
    lines += [f"- {line}" for line in verification]
    lines.append(f"- server log: {len(log_problems)} tracebacks, errors or worker timeouts")
    verdict = "PASSED" if not (stats.errors or problems or log_problems) else "FAILED"
    lines += [
        "",
        f"**Result: {verdict}** — {len(stats.errors)} errors, {len(problems)} lost, duplicated "
        "or unacknowledged writes.",
    ]
    if stats.errors:
        lines += ["", "Errors (first 20):", ""]
        lines += [f"- {role} / {kind}: {text}" for role, kind, text in stats.errors[:20]]
    if problems:
        lines += ["", "Verification problems (first 20):", ""]
        lines += [f"- {problem}" for problem in problems[:20]]
    if log_problems:
        lines += ["", "Server log (first 10 lines):", ""]
        lines += [f"    {line}" for line in log_problems[:10]]
    return lines, verdict


def command_line(args):
    parts = [".venv/bin/python benchmarks/load.py"]
    defaults = vars(build_parser().parse_args([]))
    for name, value in vars(args).items():
        if value != defaults[name] and name not in ("keep", "no_record"):
            parts.append(f"--{name.replace('_', '-')} {value}")
    return " ".join(parts)


def make_command(args):
    extra = command_line(args).split(" ", 2)[2:]
    return f'`make load LOAD_ARGS="{extra[0]}"`' if extra else "what `make load` runs"


def record(lines):
    RAW_RESULTS.write_text("# Load test results\n\n" + "\n".join(lines[2:]) + "\n")
    text = RESULTS.read_text()
    section = "\n".join(lines) + "\n"
    start = text.find(SECTION_TITLE)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION_TITLE))
        text = text[:start] + section + (text[end:] if end != -1 else "")
    RESULTS.write_text(text)


# Main -------------------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=45, help="seconds of load")
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--sources", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--articles", type=int, default=1000, help="seed_archive size")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--no-record", action="store_true", help="do not write RESULTS.md and load-results.md"
    )
    return parser


def apply_load(args, server, fixtures, ledger, stats):
    """Run every reader, editor and source until the deadline; return the seconds it took."""
    warm = Client(server.url, Stats(), "warm-up")
    for paths in fixtures["urls"].values():
        for path in paths:
            if warm.request("warm-up", "GET", path) is None:
                raise RuntimeError(f"warm-up failed: {warm.stats.errors[-1]}")
    published = []  # public URLs of the articles the editors publish during the run
    photo = small_jpeg()
    started = time.monotonic()
    deadline = started + args.duration
    people = [
        (reader, (server.url, stats, deadline, fixtures["urls"], published, n))
        for n in range(args.readers)
    ]
    people += [
        (Editor(server.url, stats, deadline, account, fixtures, ledger, published, n).run, ())
        for n, account in enumerate(fixtures["editors"])
    ]
    people += [
        (source, (server.url, stats, deadline, ledger, photo, n)) for n in range(args.sources)
    ]
    threads = [threading.Thread(target=t, args=a, daemon=True) for t, a in people]
    print(f"load: {len(threads)} people for {args.duration} s against {server.url}", flush=True)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def main():
    args = build_parser().parse_args()
    notes = []
    try:
        public_key = prepare_database(args, notes)
        env = environment(args, public_key)
        start_django(env)
        fixtures = prepare_fixtures(args)
        ledger = {
            "run": "".join(random.choices(string.ascii_lowercase + string.digits, k=6)),
            "created": {},  # marker -> pk when acknowledged, None when not
            "edits": {pk: new_edit_log() for pk in fixtures["watched"]},
            "watched": fixtures["watched"],  # pk -> revision and version count before the run
            "contested": fixtures["contested"]["pk"],
            "tips": [],
            "tips_unanswered": [],
        }
        stats = Stats()
        server = Gunicorn(env)
        try:
            notes.append("load average when the load started: " + load_average())
            seconds = apply_load(args, server, fixtures, ledger, stats)
        finally:
            server.stop()
        print("load done; verifying against the database", flush=True)
        verification, problems = verify(ledger)
        log_problems = server_log_problems()
        lines, verdict = report(args, stats, seconds, notes, verification, problems, log_problems)
        print("\n".join(lines))
        if not args.no_record:
            record(lines)
    finally:
        if args.keep:
            print(f"kept the database {DATABASE} and {VAR}")
        else:
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            # The tips' encrypted files and the private key go with the database.
            shutil.rmtree(VAR / "media", ignore_errors=True)
            (VAR / "tips_key.json").unlink(missing_ok=True)
    return 0 if verdict == "PASSED" else 1


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) + (
        " (other work on the machine, such as test runs, lowers the figures)"
    )


if __name__ == "__main__":
    sys.exit(main())
