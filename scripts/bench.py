"""Benchmark Komar's main pages as production serves them; see docs/performance.md.

    scripts/bench [--db sqlite|postgresql] [--women N] [--workers N] [--users 1,16]
                  [--requests N] [--seconds S] [--keep] [--rebuild] [--pages a,b]

Phases, in order:

1. Dataset: migrate, then `seed_demo --seed 1 --size N` unless the database already holds N demo
   women (SQLite: var/bench-<N>.sqlite3; PostgreSQL: a throwaway server on 127.0.0.1:55433).
2. Server: collectstatic into a temporary directory, then gunicorn in production mode on
   127.0.0.1, sync workers (2 x cores + 1 by default).
3. HTTP load: real sign-ins, then each page on its own, from 1 and from 16 concurrent users
   (half social worker, half supervisor sessions), bounded by a request count and a time limit.
4. In process: the same pages through django.test.Client against the same database, to count
   the queries and to time the raw SQL that fetches the listed rows.
5. Report: a markdown table on stdout and in test-output/bench-<db>-<N>.md.

Only the standard library drives the load (threads, http.client), on loopback only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only: the load never leaves the machine
DEMO_PASSWORD = "komar-demo-2026"  # noqa: S105 - the demo's published password
SOCIAL_WORKER = "sokha"
SUPERVISOR = "dara"
DEFAULT_RULE = "near_limit"
FILES_CYCLED = 20  # different women (and children) whose files are opened in turn

# The targets, for 100,000 women on a 2-core machine (docs/performance.md).
TARGET_P95_MS = 100.0  # every page, one user
TARGET_RPS = 100.0  # with 16 users: the case list, a woman's file and "My work"
TARGET_RPS_USERS = 16
TARGET_SQL_RATIO = 2.0  # a list page's time over the raw SQL that fetches its rows
TARGET_WOMEN = 100_000
# Research (issue "Turn casework into evidence"): a full export streams in under 30 s, and the
# factor study's prevalence page answers in under 500 ms.
TARGET_EXPORT_S = 30.0
TARGET_STUDY_PAGE_S = 0.5

REQUEST_TIMEOUT_S = 120.0  # gunicorn kills a worker after 30 s anyway
MAX_ERRORS_SHOWN = 5


class BenchError(Exception):
    """A step the benchmark cannot go on without (the message says which)."""


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run(command: Sequence[str], env: dict[str, str], *, quiet: bool = True) -> str:
    """Run a command from the repository root; its output on failure is in the error."""
    result = subprocess.run(  # noqa: S603 - fixed commands built by this script
        list(command),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if quiet else sys.stderr,  # stdout is for the report
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout or "").strip().splitlines()
        tail = "\n".join(output[-25:])
        raise BenchError(f"`{' '.join(command)}` failed (exit {result.returncode}):\n{tail}")
    return result.stdout or ""


def manage(*args: str, env: dict[str, str], quiet: bool = True) -> str:
    return run([sys.executable, "manage.py", *args], env, quiet=quiet)


# --- PostgreSQL: a throwaway server, started the way scripts/pg does ---------------------------


@dataclass
class PostgresServer:
    port: int
    root: Path
    keep: bool
    bin: Path = field(init=False)

    def __post_init__(self) -> None:
        found = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0],
        )
        if not found:
            raise BenchError("no PostgreSQL in /usr/lib/postgresql (run scripts/setup)")
        self.bin = found[-1]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _as_postgres(self, *command: str) -> list[str]:
        # initdb refuses to run as root; scripts/pg does the same.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def _pg_ctl(self, *args: str) -> None:
        run(self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), *args), _env())

    def start(self, *, fast: bool) -> None:
        """Start (or restart) the server; `fast` turns durability off, for building only."""
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.root, ignore_errors=True)
            self.data.mkdir(parents=True)
            self.root.chmod(0o755)
            if os.geteuid() == 0:
                shutil.chown(self.data, "postgres", "postgres")
            initdb = str(self.bin / "initdb")
            settings = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]
            run(self._as_postgres(initdb, "-D", str(self.data), *settings), _env())
        self.stop()
        options = f"-c listen_addresses={HOST} -p {self.port} -k {self.data}"
        if fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._pg_ctl("-l", str(self.data / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with suppress(BenchError):
                self._pg_ctl("-m", "fast", "-w", "stop")

    def postmaster(self) -> int:
        with suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return 0

    def cleanup(self) -> None:
        self.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def admin(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        dsn = f"host={HOST} port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            cur = conn.execute(sql, params or None)
            return cur.fetchall() if cur.description else []

    def ensure_database(self, name: str) -> None:
        if not self.admin("SELECT 1 FROM pg_database WHERE datname = %s", name):
            self.admin(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(**extra: str) -> dict[str, str]:
    """The caller's environment without any KOMAR_ variable (never a real database), plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMAR_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


# --- Django in this process --------------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "komar.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


def model(app_label: str, name: str) -> Any:
    """A model by name, wherever the refactor put it."""
    from django.apps import apps

    with suppress(LookupError):
        return apps.get_model(app_label, name)
    for candidate in apps.get_models():
        if candidate.__name__ == name:
            return candidate
    raise BenchError(f"no model named {name}")


def demo_organisation_codes() -> tuple[uuid.UUID, ...] | None:
    """The demo organisations' codes, from the seed_demo command in whichever app has it."""
    from django.core.management import get_commands

    app = get_commands().get("seed_demo")
    if app is None:
        raise BenchError("no seed_demo command in the project")
    try:
        module = importlib.import_module(f"{app}.management.commands.seed_demo")
    except ImportError:
        return None
    # In the command's module, or in a demo module it imports (the registry's, say).
    for candidate in (module, *[v for v in vars(module).values() if isinstance(v, ModuleType)]):
        codes = getattr(candidate, "DEMO_ORGANISATION_CODES", None)
        if codes:
            return tuple(codes)
    return None


def count_women() -> tuple[int, int]:
    """How many demo women the database holds, and how many women in all."""
    from django.db import DatabaseError

    mother = model("cases", "Mother")
    try:
        codes = demo_organisation_codes()
        total = int(mother.objects.count())
        if codes is None:
            return total, total
        return int(mother.objects.filter(organisation__code__in=codes).count()), total
    except DatabaseError:
        return 0, 0  # not migrated yet
    finally:
        close_connections()


# --- The dataset ------------------------------------------------------------------------------


@dataclass
class Database:
    vendor: str  # "sqlite" or "postgresql"
    env: dict[str, str]
    label: str
    server: PostgresServer | None = None
    name: str = ""  # PostgreSQL database name
    sqlite_path: Path | None = None
    built: bool = False
    build_seconds: float = 0.0

    def wipe(self) -> None:
        close_connections()
        if self.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
        if self.server is not None:
            self.server.drop_database(self.name)
            self.server.ensure_database(self.name)


def prepare_database(args: argparse.Namespace) -> Database:
    if args.db == "sqlite":
        path = Path(args.sqlite_path or ROOT / "var" / f"bench-{args.women}.sqlite3").resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return Database("sqlite", {"KOMAR_SQLITE_PATH": str(path)}, str(path), sqlite_path=path)
    root = Path(args.pg_dir or Path(tempfile.gettempdir()) / f"komar-bench-pg-{args.pg_port}")
    server = PostgresServer(args.pg_port, root, keep=args.keep)
    version = server.bin.parent.name
    say(f"starting PostgreSQL {version} on {HOST}:{server.port}, data in {server.root}")
    name = f"komar_bench_{args.women}"
    try:
        server.start(fast=True)
        server.ensure_database(name)
    except BaseException:
        server.cleanup()
        raise
    url = server.url(name)
    return Database("postgresql", {"KOMAR_DATABASE_URL": url}, url, server=server, name=name)


def refresh_findings(env: dict[str, str]) -> str:
    """Run the daily re-evaluation of the rules, as the production timer does, and time it: the
    demo data are drawn relative to the day they were seeded, and the flags follow the date."""
    from django.core.management import get_commands

    if "refresh_findings" not in get_commands():
        return ""
    say("refresh_findings (the daily re-evaluation of the rules)")
    started = time.monotonic()
    output = manage("refresh_findings", env=env).strip().splitlines()
    seconds = time.monotonic() - started
    return (
        f"`refresh_findings` took {seconds:.1f} s (with start-up): {output[-1] if output else ''}"
    )


def search_hit_rate(env: dict[str, str]) -> str:
    """The spelling-variant test set searched over the whole dataset (`manage.py
    search_hit_rate`): the share found in the first 10 results (issue "Honest data": >= 95%)."""
    from django.core.management import get_commands

    if "search_hit_rate" not in get_commands():
        return ""
    say("search_hit_rate (the spelling variants, over every woman)")
    try:
        output = manage("search_hit_rate", "--minimum", "0", env=env).strip().splitlines()
    except BenchError as error:
        return f"`search_hit_rate` failed: {error}"
    return f"Name search: {output[-1]}" if output else ""


# The homes and lists of the other roles, measured in process only (a median of a few requests,
# and the query count): the legal officer, the facility monitor, the researcher, and the
# supervisor's statistics and dashboard. Their paths are found in the database.
ROLE_PAGE_REPEATS = 5


def role_pages() -> list[tuple[str, str, str, float | None, int, int, str]]:
    """(label, user, path, median ms, queries, bytes, error) for each page."""
    import logging

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    user_model = model("accounts", "User")
    pages: list[tuple[str, str, str]] = [
        ('Legal officer\'s "My work"', "vicheka", "/work/"),
        ("Legal: to screen", "vicheka", "/legal/work/to-screen/"),
        ("Legal: hearings in 14 days", "vicheka", "/legal/work/hearings/"),
        ("Facility monitor's home", "monitor", "/monitoring/"),
        ("Researcher's home", "researcher", "/research/"),
        ("Monthly statistics", SUPERVISOR, "/research/statistics/"),
        ("Supervisor's dashboard", SUPERVISOR, "/research/dashboard/"),
    ]
    facility = model("facilities", "Facility").objects.filter(name_en__startswith="Siem Reap")
    if facility.exists():
        code = facility.values_list("code", flat=True).first()
        pages.append(("Legal: a facility's page", SUPERVISOR, f"/legal/facilities/{code}/"))
        monitored = f"/monitoring/facilities/{code}/"
        pages.append(("Monitoring: a facility's page", "monitor", monitored))
    results = []
    for label, username, path in pages:
        try:
            user = user_model.objects.get(username=username)
        except user_model.DoesNotExist:
            continue
        client = Client(HTTP_HOST=HOST)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        error = ""
        times: list[float] = []
        queries = size = 0
        try:
            first = client.get(path, secure=True)
            if first.status_code != 200:
                error = f"HTTP {first.status_code}"
            else:
                for _ in range(ROLE_PAGE_REPEATS):
                    started = time.perf_counter()
                    with CaptureQueriesContext(connection) as captured:
                        response = client.get(path, secure=True)
                    times.append((time.perf_counter() - started) * 1000)
                    queries, size = len(captured.captured_queries), len(response.content)
        except Exception as exc:  # reported in the table, not fatal
            error = f"{type(exc).__name__}: {exc}"[:200]
        median = statistics.median(times) if times else None
        results.append((label, username, path, median, queries, size, error))
        say(f"  {label}: {ms(median)} ms, {queries} queries {error}")
    return results


def role_pages_report(rows: list[tuple[str, str, str, float | None, int, int, str]]) -> list[str]:
    if not rows:
        return []
    lines = [
        "",
        "Other roles' pages, in process (django.test.Client, same database; the median of "
        f"{ROLE_PAGE_REPEATS} requests after one to warm up):",
        "",
        "| Page | User | Path | In-process ms | Queries | Bytes | Error |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, username, path, median, queries, size, error in rows:
        shown = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<code>", path)
        lines.append(
            f"| {label} | `{username}` | `{shown}` | {ms(median)} | {queries or ''} | "
            f"{f'{size:,}' if size else ''} | {error} |"
        )
    return lines


def research_timings(env: dict[str, str]) -> list[dict[str, Any]]:
    """The research export and factor study timings (`manage.py research_bench --json`), in a
    process of their own, so that the peak memory reported is theirs alone."""
    from django.core.management import get_commands

    if "research_bench" not in get_commands():
        return []
    say("research_bench (a full research export and the factor study)")
    try:
        output = manage("research_bench", "--json", env=env)
    except BenchError as error:
        say(f"research_bench failed: {error}")
        return [{"key": "error", "name": str(error)}]
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def research_report(timings: list[dict[str, Any]]) -> list[str]:
    if not timings:
        return []
    if timings[0].get("key") == "error":
        return ["", f"Research: `research_bench` failed: {timings[0]['name']}"]
    by_key = {t["key"]: t for t in timings}
    lines = [
        "",
        "Research, in a process of its own (`manage.py research_bench`): each step once timed, "
        "then once again under tracemalloc for its peak of Python allocations; RSS is the "
        "process's peak resident size so far:",
        "",
        "| Step | Seconds | Peak Python MB | Peak RSS MB | Detail |",
        "|---|---|---|---|---|",
    ]
    for t in timings:
        lines.append(
            f"| {t['name']} | {t['seconds']:.2f} | {t['peak_mb']:.1f} | {t['rss_mb']:.0f} "
            f"| {t['detail']} |"
        )
    steps, whose = ("plan", "csv"), "the demo project"
    if "plan_all" in by_key:
        steps, whose = ("plan_all", "csv_all"), "every woman with a research consent"
    export = sum(by_key[k]["seconds"] for k in steps if k in by_key)
    page = by_key.get("page")
    verdicts = [
        f"a full export of {whose} (its plan and the CSV stream) {export:.1f} s "
        f"{mark(export < TARGET_EXPORT_S)} (target under {TARGET_EXPORT_S:g} s)"
    ]
    if page is not None:
        verdicts.append(
            f"the factor study page, from its stored numbers, {page['seconds'] * 1000:.0f} ms "
            f"{mark(page['seconds'] < TARGET_STUDY_PAGE_S)} "
            f"(target under {TARGET_STUDY_PAGE_S * 1000:g} ms)"
        )
    computed = by_key.get("page_computed")
    if computed is not None:
        verdicts.append(
            f"counted during the request (after a consent given or withdrawn) "
            f"{computed['seconds'] * 1000:.0f} ms"
        )
    lines += ["", "Research targets: " + "; ".join(verdicts) + "."]
    return lines


def build_or_reuse(db: Database, args: argparse.Namespace, dev_env: dict[str, str]) -> None:
    """Migrate; seed unless the database already holds exactly N demo women."""
    say("migrating")
    manage("migrate", "--noinput", "-v0", env=dev_env)
    found, total = count_women()
    if total > found:
        raise BenchError(
            f"{db.label} holds {total - found:,} women outside the demo organisations: "
            "not a benchmark database, so it is left alone"
        )
    if found == args.women and not args.rebuild:
        say(f"reusing the dataset: {found:,} demo women already in {db.label}")
        return
    if args.rebuild:
        say("building the dataset again (--rebuild)")
    elif found:
        say(f"the database holds {found:,} demo women, not {args.women:,}: starting again")
    db.wipe()
    manage("migrate", "--noinput", "-v0", env=dev_env)
    say(
        f"seeding {args.women:,} women (seed_demo --seed 1 --size {args.women}); this takes a while"
    )
    started = time.monotonic()
    manage("seed_demo", "--seed", "1", "--size", str(args.women), "-v2", env=dev_env, quiet=False)
    if db.server is not None:
        # Autovacuum would analyse the new tables soon after a load; do it now, before measuring.
        import psycopg

        with psycopg.connect(db.env["KOMAR_DATABASE_URL"], autocommit=True) as conn:
            conn.execute("ANALYZE")
    db.built = True
    db.build_seconds = time.monotonic() - started
    found, _total = count_women()
    if found != args.women:
        raise BenchError(f"after seeding, {found:,} demo women instead of {args.women:,}")


# --- What to request --------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    paths: list[str]  # cycled in turn; a search's path belongs to each session
    search: str = ""  # a name posted to the case list; the redirected GET is what is timed
    list_rows: bool = False  # a case-list page: compared with the raw SQL for its rows
    throughput_target: bool = False

    def path_for(self, browser: Browser, ticket: int) -> str | None:
        if self.search:
            return browser.search_paths.get(self.key)
        return self.paths[ticket % len(self.paths)]


@dataclass
class Dataset:
    """What was found in the database: scope, facilities, the records the pages open."""

    women_codes: list[str]
    child_codes: list[str]
    latin_name: str
    khmer_name: str
    user_facilities: str
    organisation: str
    facility_counts: list[tuple[str, int]]
    seeded_on: str
    notes: list[str] = field(default_factory=list)


def spread(items: Sequence[Any], count: int) -> list[Any]:
    """`count` items evenly spaced through a sequence (deterministic, not only the first ones)."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def explore_dataset() -> Dataset:
    """Pick the women, children and names the pages use, all inside the demo users' scope:
    women assigned to the social worker's organisation are in her scope by definition."""
    from django.db.models import Count, Max

    user_model = model("accounts", "User")
    mother = model("cases", "Mother")
    child = model("cases", "Child")
    try:
        social_worker = user_model.objects.get(username=SOCIAL_WORKER)
        supervisor = user_model.objects.get(username=SUPERVISOR)
    except user_model.DoesNotExist:
        raise BenchError("the demo users sokha and dara are missing (seed_demo)") from None
    facilities = ", ".join(str(f) for f in social_worker.facilities.order_by("pk"))
    same = set(social_worker.facilities.values_list("pk", flat=True)) == set(
        supervisor.facilities.values_list("pk", flat=True)
    )
    notes = [] if same else ["sokha and dara do not have the same facilities"]
    women = list(
        mother.objects.filter(organisation_id=social_worker.organisation_id)
        .order_by("pk")
        .values_list("code", "name_latin", "name_km")
    )
    if not women:
        raise BenchError("no woman is assigned to the social worker's organisation")
    chosen = spread(women, FILES_CYCLED)
    children = list(
        child.objects.filter(mother__organisation_id=social_worker.organisation_id)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    if not children:
        raise BenchError("no child in the social worker's scope")
    latin = next(w[1] for w in chosen if w[1])
    khmer = next(w[2] for w in reversed(chosen) if w[2])
    facility_counts: list[tuple[str, int]] = []
    try:
        rows = (
            mother.objects.values("latest_episode__facility__name_en")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        facility_counts = [(r["latest_episode__facility__name_en"] or "—", r["n"]) for r in rows]
    except Exception as exc:  # mid-refactor: report it, carry on
        notes.append(f"women per facility not counted: {type(exc).__name__}: {exc}")
    if facility_counts and facility_counts[0][0] not in facilities.split(", "):
        notes.append(
            f"the users' facility is not the largest: {facility_counts[0][0]} holds "
            f"{facility_counts[0][1]:,} women (seed_demo weighs Siem Reap and Correctional "
            "Centre 2 the same)"
        )
    # seed_demo stamps every woman with the time it ran; the data are drawn relative to that day.
    newest = mother.objects.aggregate(at=Max("created_at"))["at"]
    close_connections()
    return Dataset(
        women_codes=[str(w[0]) for w in chosen],
        child_codes=[str(c) for c in spread(children, FILES_CYCLED)],
        latin_name=latin,
        khmer_name=khmer,
        user_facilities=facilities or "—",
        organisation=str(social_worker.organisation),
        facility_counts=facility_counts,
        seeded_on=f"{newest:%Y-%m-%d}" if newest else "?",
        notes=notes,
    )


def make_pages(data: Dataset, rule: str) -> list[Page]:
    return [
        Page("case_list", "Case list, page 1", ["/women/"], list_rows=True, throughput_target=True),
        Page("filter_child", "Filter: a child inside", ["/women/?child=inside"], list_rows=True),
        Page(
            "filter_status", "Filter: pre-trial", ["/women/?legal_status=pre_trial"], list_rows=True
        ),
        Page("sort_limit", "Sorted: nearest stay limit first", ["/women/?sort=limit"]),
        Page("sort_admitted", "Sorted: latest admission first", ["/women/?sort=admitted"]),
        Page(
            "search_latin",
            f"Search, Latin: {data.latin_name}",
            [],
            search=data.latin_name,
            list_rows=True,
        ),
        Page(
            "search_khmer",
            f"Search, Khmer: {data.khmer_name}",
            [],
            search=data.khmer_name,
            list_rows=True,
        ),
        Page(
            "mother_file",
            f"A woman's file ({len(data.women_codes)} women)",
            [f"/women/{c}/" for c in data.women_codes],
            throughput_target=True,
        ),
        Page(
            "child_file",
            f"A child's page ({len(data.child_codes)} children)",
            [f"/women/children/{c}/" for c in data.child_codes],
        ),
        Page("my_work", '"My work"', ["/work/"], throughput_target=True),
        Page("flag_list", f"Flags: {rule}", [f"/work/flags/{rule}/"]),
    ]


# --- HTTP: one signed-in person per connection -------------------------------------------------


@dataclass
class Response:
    status: int  # 0: no response (the error says why)
    body: bytes
    seconds: float
    location: str = ""
    error: str = ""


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's browser behind the TLS proxy: one keep-alive connection and her cookies.

    Production trusts `X-Forwarded-Proto: https` from the proxy on loopback, and its cookies are
    `Secure`: like the proxy, this sends the header, and like a browser on https, the cookies."""

    def __init__(self, port: int, username: str) -> None:
        self.port = port
        self.username = username
        self.origin = f"https://{HOST}:{port}"
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        self.cookies: dict[str, str] = {}
        self.search_paths: dict[str, str] = {}
        self.search_errors: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "User-Agent": "komar-bench",
            "Accept": "text/html",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.perf_counter()
        try:
            # Sync workers close the connection after each response; http.client then
            # reconnects by itself, so a reconnection is part of the time, as in a browser.
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            return Response(0, b"", time.perf_counter() - started, error=f"{type(exc).__name__}")
        seconds = time.perf_counter() - started
        for value in response.msg.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, data, seconds, location=response.getheader("Location", ""))

    def _form_token(self, path: str) -> str:
        page = self.request("GET", path)
        found = CSRF_FIELD.search(page.body) if page.status == 200 else None
        if found is None:
            raise BenchError(f"GET {path} as {self.username}: {page.status or page.error}, no form")
        return found.group(1).decode()

    def sign_in(self) -> None:
        token = self._form_token("/login/")
        form = {
            "username": self.username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": "",
        }
        done = self.request("POST", "/login/", form)
        if done.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(
                f"signing in as {self.username} failed (status {done.status or done.error}); "
                "stopping before any more attempts, so that the account is not locked. If it "
                f"is locked already: manage.py axes_reset_username {self.username}"
            )

    def prepare_search(self, page: Page) -> None:
        """Post the name once; the case list keeps it under a token and redirects to it."""
        try:
            token = self._form_token("/women/")
            done = self.request("POST", "/women/", {"q": page.search, "csrfmiddlewaretoken": token})
            if done.status != 302 or "search=" not in done.location:
                raise BenchError(f"POST /women/ gave {done.status or done.error}, not a redirect")
        except BenchError as exc:
            self.search_errors[page.key] = str(exc)
            return
        target = urlsplit(done.location)
        self.search_paths[page.key] = f"{target.path}?{target.query}"

    def close(self) -> None:
        self.conn.close()


def sign_in_many(port: int, count: int, pages: list[Page]) -> list[Browser]:
    """`count` fresh sign-ins, alternating social worker and supervisor, one browser each.
    The first sign-in is checked before the others are tried (django-axes counts failures)."""
    browsers = []
    for i in range(count):
        username = SOCIAL_WORKER if i % 2 == 0 else SUPERVISOR
        browser = Browser(port, username)
        browser.sign_in()
        for page in pages:
            if page.search:
                browser.prepare_search(page)
        browsers.append(browser)
    return browsers


# --- Load -------------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    status: int
    size: int


@dataclass
class PageRun:
    samples: list[Sample]
    wall: float
    errors: Counter[str]

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.status == 200]

    def percentile(self, q: int) -> float | None:
        times = sorted(s.seconds * 1000 for s in self.ok)
        if not times:
            return None
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[q - 1]

    @property
    def rps(self) -> float | None:
        return len(self.ok) / self.wall if self.ok and self.wall > 0 else None

    @property
    def size(self) -> int | None:
        sizes = [s.size for s in self.ok]
        return int(statistics.median(sizes)) if sizes else None

    @property
    def statuses(self) -> Counter[int]:
        return Counter(s.status for s in self.samples)


def run_page(
    page: Page, users: list[list[Browser]], max_requests: int, max_seconds: float
) -> PageRun:
    """Every user requests the page in a loop until `max_requests` requests have been started
    or `max_seconds` have passed; requests under way then finish. Each thread is one user."""
    lock = threading.Lock()
    go = threading.Event()
    tickets = iter(range(max_requests))
    samples: list[Sample] = []
    errors: Counter[str] = Counter()
    finished: list[float] = []
    deadline = 0.0

    def next_ticket() -> int | None:
        with lock:
            if time.perf_counter() >= deadline:
                return None
            return next(tickets, None)

    def user(browsers: list[Browser]) -> None:
        go.wait()
        while (ticket := next_ticket()) is not None:
            browser = browsers[ticket % len(browsers)]
            path = page.path_for(browser, ticket)
            if path is None:
                error = browser.search_errors.get(page.key, "no path")
                response = Response(0, b"", 0.0, error=f"search not set up: {error}")
                path = "/women/ (search)"
            else:
                response = browser.request("GET", path)
            with lock:
                samples.append(Sample(response.seconds, response.status, len(response.body)))
                if response.status != 200:
                    detail = response.error or (
                        f"→ {response.location}" if response.location else ""
                    )
                    errors[f"{response.status} {path} {detail}".strip()] += 1
                finished.append(time.perf_counter())

    threads = [threading.Thread(target=user, args=(b,), daemon=True) for b in users]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline = started + max_seconds
    go.set()
    for thread in threads:
        thread.join()
    wall = (max(finished) if finished else time.perf_counter()) - started
    return PageRun(samples, wall, errors)


# --- gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path) -> Iterator[int]:
    """gunicorn as in docs/deployment.md, on a free loopback port; stopped on the way out."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "komar.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--forwarded-allow-ips=127.0.0.1",
        "--chdir",
        str(ROOT),
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(f"gunicorn exited ({process.returncode}); see {log}")
            with suppress(OSError, http.client.HTTPException):
                probe = http.client.HTTPConnection(HOST, port, timeout=5)
                probe.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
                status = probe.getresponse().status
                probe.close()
                if status == 200:
                    break
                raise BenchError(f"gunicorn answers GET /login/ with {status}; see {log}")
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn did not answer within 60 s; see {log}")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def shown_path(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else filename


def server_errors(log: Path) -> dict[str, str]:
    """The exception Django logged for each path ("Internal Server Error: /path" and its
    traceback), with the last frame in Komar's code and how many times it was logged."""
    found: dict[str, tuple[str, str, int]] = {}
    path = exception = frame = ""

    def close_block() -> None:
        if path and exception:
            seen = found.get(path, ("", "", 0))[2]
            found[path] = (exception, frame, seen + 1)

    for line in log.read_text(errors="replace").splitlines():
        match = re.match(r"Internal Server Error: (\S+)", line)
        if match or line.startswith("["):  # a new error, or one of gunicorn's own lines
            close_block()
            path = match.group(1) if match else ""
            exception = frame = ""
            continue
        if not path:
            continue
        where = re.match(r'\s+File "(.*/komar/[^"]+)", line (\d+)', line)
        if where:
            frame = f"{shown_path(where.group(1))}:{where.group(2)}"
        elif (
            line
            and not line[0].isspace()
            and not line.startswith(("Traceback", "During handling", "The above exception"))
        ):
            exception = line.strip()[:300]
    close_block()
    return {
        path: f"{exception}" + (f" ({frame})" if frame else "") + f", logged {n} times"
        for path, (exception, frame, n) in found.items()
    }


# --- In process: queries and raw SQL ----------------------------------------------------------


@dataclass
class InProcess:
    queries: dict[str, int] = field(default_factory=dict)  # per username
    page_ms: float | None = None  # median through django.test.Client (social worker)
    sql_ms: float | None = None  # median of the row queries, executed with a raw cursor
    sql_statements: list[str] = field(default_factory=list)
    rows_counted: int | None = None
    all_sql_ms: float | None = None  # every SELECT of the page, executed with a raw cursor
    selects: list[str] = field(default_factory=list)
    profile: str = ""
    error: str = ""


ROW_TABLES = ("Mother", "Child", "CustodyEpisode", "Placement")


def is_read(sql: str) -> bool:
    """A SELECT, or a query that starts with its common table expressions (the name search's)."""
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def row_queries(captured: list[dict[str, Any]]) -> list[str]:
    """The SELECTs that read the women and their children: the paginator's count, the page
    of women (with the joined latest custody episode and facility) and the prefetched children.
    Session, user, facility-choice and write queries are left out."""
    tables = []
    for name in ROW_TABLES:
        with suppress(BenchError):
            tables.append(f'"{model("cases", name)._meta.db_table}"')
    return [q["sql"] for q in captured if is_read(q["sql"]) and any(t in q["sql"] for t in tables)]


def in_process(
    pages: list[Page], repeats: int, max_seconds: float, *, profile: bool
) -> dict[str, InProcess]:
    import cProfile
    import io
    import logging
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors are reported below
    user_model = model("accounts", "User")
    clients: dict[str, Client] = {}
    for username in (SOCIAL_WORKER, SUPERVISOR):
        client = Client(HTTP_HOST=HOST, raise_request_exception=True)
        client.force_login(
            user_model.objects.get(username=username),
            backend="django.contrib.auth.backends.ModelBackend",
        )
        clients[username] = client

    def path_of(page: Page, client: Client) -> str:
        if not page.search:
            return page.paths[0]
        posted = client.post("/women/", {"q": page.search}, secure=True)
        if posted.status_code != 302:
            raise BenchError(f"search POST gave {posted.status_code}")
        target = urlsplit(posted["Location"])
        return f"{target.path}?{target.query}"

    def get(client: Client, path: str) -> int:
        return int(client.get(path, secure=True).status_code)

    def run_sql(statements: list[str]) -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    results: dict[str, InProcess] = {}
    for page in pages:
        result = results[page.key] = InProcess()
        try:
            for username, client in clients.items():
                path = path_of(page, client)
                get(client, path)  # warm: templates, translations, connection
                with CaptureQueriesContext(connection) as captured:
                    status = get(client, path)
                if status != 200:
                    raise BenchError(f"GET {path} as {username} gave {status}")
                result.queries[username] = len(captured.captured_queries)
                if username == SOCIAL_WORKER:
                    social_worker_path = path
                    result.sql_statements = row_queries(captured.captured_queries)
                    result.selects = [
                        q["sql"]
                        for q in captured.captured_queries
                        if is_read(q["sql"]) and "FOR UPDATE" not in q["sql"].upper()
                    ]
            client = clients[SOCIAL_WORKER]
            page_times: list[float] = []
            sql_times: list[float] = []
            select_times: list[float] = []
            deadline = time.perf_counter() + max_seconds
            for _ in range(repeats):  # side by side, so both see the same caches
                if page_times and time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                get(client, social_worker_path)
                page_times.append((time.perf_counter() - started) * 1000)
                if page.list_rows and result.sql_statements:
                    sql_times.append(run_sql(result.sql_statements))
                select_times.append(run_sql(result.selects))
            result.page_ms = statistics.median(page_times)
            result.all_sql_ms = statistics.median(select_times)
            if profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(min(repeats, len(page_times))):
                    get(client, social_worker_path)
                profiler.disable()
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text).strip_dirs()
                stats.sort_stats("cumulative").print_stats(30)
                stats.sort_stats("tottime").print_stats(20)
                result.profile = f"## {page.key}: GET {social_worker_path}\n{text.getvalue()}"
            if sql_times:
                result.sql_ms = statistics.median(sql_times)
                counts = [s for s in result.sql_statements if "COUNT(" in s.upper()]
                if counts:
                    with connection.cursor() as cursor:
                        cursor.execute(counts[0])
                        result.rows_counted = int(cursor.fetchone()[0])
        except Exception as exc:  # mid-refactor: report the page, carry on
            result.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "/komar/" in f.filename]
            if ours:
                where = ours[-1]
                result.error += f" ({shown_path(where.filename)}:{where.lineno})"
    close_connections()
    return results


# --- Who used the CPU -------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuSnapshot:
    total: int  # clock ticks of every CPU, busy or idle (/proc/stat)
    busy: int
    generator: int  # this process: the load generator's threads
    server: int  # gunicorn's workers and PostgreSQL's processes, those gone included


@dataclass(frozen=True)
class CpuShares:
    busy: float  # shares of the machine's capacity over the measured time
    server: float
    generator: float
    others: float


def _process_ticks() -> dict[int, tuple[int, int, int]]:
    """Every process: its parent, its own CPU ticks, and the ticks of its children reaped."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            # After the name: state, ppid, ... utime (14th field), stime, cutime, cstime.
            own = int(fields[11]) + int(fields[12])
            found[int(entry.name)] = (int(fields[1]), own, int(fields[13]) + int(fields[14]))
    return found


def cpu_snapshot(roots: list[int]) -> CpuSnapshot:
    """CPU ticks so far. The server's are those of every process under `roots` (this process,
    whose children include gunicorn, and PostgreSQL's postmaster), and of their reaped children
    (PostgreSQL backends come and go), minus this process's own."""
    stat = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    ticks = [int(t) for t in stat]
    total = sum(ticks)
    busy = total - ticks[3] - ticks[4]  # idle, iowait
    processes = _process_ticks()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _own, _reaped) in processes.items():
        children.setdefault(ppid, []).append(pid)
    tree = 0
    pending = [r for r in roots if r in processes]
    seen: set[int] = set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        _ppid, own, reaped = processes[pid]
        tree += own + reaped
        pending += children.get(pid, [])
    me = processes.get(os.getpid(), (0, 0, 0))
    return CpuSnapshot(total, busy, me[1], tree - me[1] - me[2])


def cpu_shares(before: CpuSnapshot, after: CpuSnapshot) -> CpuShares:
    total = max(after.total - before.total, 1)
    busy = (after.busy - before.busy) / total
    server = (after.server - before.server) / total
    generator = (after.generator - before.generator) / total
    return CpuShares(busy, server, generator, max(busy - server - generator, 0.0))


# --- The report -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model_name = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model_name = line.split(":", 1)[1].strip()
                break
    ram = ""
    with suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    cores = len(os.sched_getaffinity(0))
    return {"cores": str(cores), "cpu": model_name, "ram": ram, "kernel": platform.release()}


def versions(db: Database) -> str:
    import django

    parts = [
        f"Python {platform.python_version()}",
        f"Django {django.__version__}",
        f"gunicorn {importlib.metadata.version('gunicorn')}",
    ]
    if db.server is not None:
        import psycopg

        rows = db.server.admin("SHOW server_version")
        parts += [f"PostgreSQL {rows[0][0].split()[0]}", f"psycopg {psycopg.__version__}"]
    else:
        parts.append(f"SQLite {sqlite3.sqlite_version}")
    return ", ".join(parts)


def revision() -> str:
    """The commit measured, and whether tracked files differed from it."""
    try:
        commit = run(["git", "rev-parse", "--short", "HEAD"], _env()).strip()
        status = ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"]
        changed = run(status, _env()).strip()
    except (BenchError, OSError):
        return "(not a git checkout)"
    return f"{commit}" + (" with uncommitted changes" if changed else "")


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


@dataclass
class Results:
    pages: list[Page]
    levels: list[int]
    runs: dict[tuple[str, int], PageRun]
    process: dict[str, InProcess]
    server_errors: dict[str, str]
    load: float  # 1-minute load average before the HTTP load
    cpu: CpuShares  # who used the machine during the HTTP load
    cpu_in_process: CpuShares  # and during the in-process phase
    research: list[dict[str, Any]] = field(default_factory=list)  # research_bench's steps
    roles: list[tuple[str, str, str, float | None, int, int, str]] = field(default_factory=list)

    def ratio(self, page: Page) -> float | None:
        measured = self.process.get(page.key)
        if measured is None or not measured.sql_ms:
            return None
        page_ms = None
        if (page.key, 1) in self.runs:
            page_ms = self.runs[page.key, 1].percentile(50)
        page_ms = page_ms or measured.page_ms
        return page_ms / measured.sql_ms if page_ms else None

    def targets(self, page: Page) -> tuple[str, int, int]:
        """The targets cell, and how many of its targets were met and checked."""
        cells, met, checked = [], 0, 0
        if (page.key, 1) in self.runs:
            p95 = self.runs[page.key, 1].percentile(95)
            ok = p95 is not None and p95 <= TARGET_P95_MS
            cells.append(f"p95 {mark(ok)}")
            met, checked = met + ok, checked + 1
        if page.throughput_target and (page.key, TARGET_RPS_USERS) in self.runs:
            rps = self.runs[page.key, TARGET_RPS_USERS].rps
            ok = rps is not None and rps >= TARGET_RPS
            cells.append(f"{TARGET_RPS:.0f}/s {mark(ok)}")
            met, checked = met + ok, checked + 1
        if page.list_rows:
            ratio = self.ratio(page)
            ok = ratio is not None and ratio <= TARGET_SQL_RATIO
            cells.append(f"≤{TARGET_SQL_RATIO:.0f}x SQL {mark(ok)}")
            met, checked = met + ok, checked + 1
        return " · ".join(cells), met, checked


def report(
    args: argparse.Namespace,
    db: Database,
    data: Dataset,
    results: Results,
    workers: int,
    started: dt.datetime,
) -> str:
    host = machine()
    db_name = "PostgreSQL" if db.server else "SQLite in the workers"
    command = " ".join(["scripts/bench", *sys.argv[1:]])
    smoke = args.women < TARGET_WOMEN
    title = f"### {db.vendor.replace('sqlite', 'SQLite').replace('postgresql', 'PostgreSQL')}"
    title += f", {args.women:,} women" + (" (smoke run)" if smoke else "")
    built = (
        f"built for this run in {db.build_seconds:.0f} s"
        if db.built
        else f"reused (seeded on {data.seeded_on})"
    )
    facilities = ", ".join(f"{name} {n:,}" for name, n in data.facility_counts[:3])
    scope = results.process.get("case_list")
    scope_size = f"{scope.rows_counted:,} women" if scope and scope.rows_counted else "not counted"
    lines = [
        title,
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} (local time); command: `{command}`",
        f"- Machine: {host['cores']} cores ({host['cpu']}), {host['ram']}, Linux {host['kernel']}",
        f"- Software: {versions(db)}; {workers} gunicorn sync workers, production settings; "
        f"Komar {revision()}",
        f"- Dataset: `seed_demo --seed 1 --size {args.women}`, {built}. Largest facilities "
        f"(women by latest custody): {facilities or '—'}.",
        f"- Users: `{SOCIAL_WORKER}` (social worker) and `{SUPERVISOR}` (supervisor), facilities "
        f"{data.user_facilities}, organisation {data.organisation}; scope: {scope_size}.",
        f"- Load: each page on its own, at most {args.requests} requests and {args.seconds:g} s "
        "per page and number of users; 1 user alternates a social worker's and a supervisor's "
        "session, N users are N sessions, half of each.",
        f"- CPU during the HTTP load: {results.cpu.busy:.0%} of the machine busy: the server "
        f"(gunicorn, {db_name}) {results.cpu.server:.0%}, the load generator "
        f"{results.cpu.generator:.0%}, other processes {results.cpu.others:.0%}. Load average "
        f"before it: {results.load:.1f}.",
    ]
    lines += [f"- Note: {note}" for note in data.notes]
    lines.append("")

    head = ["Page", "Path"]
    for users in results.levels:
        label = "1 user" if users == 1 else f"{users} users"
        head += [f"{label} p50 ms", "p95 ms", "req/s"]
    head += ["Bytes", "Queries (sw/sup)", "Raw SQL ms", "Page ÷ SQL", "Non-200", "Targets"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    met_total = checked_total = 0
    for page in results.pages:
        path = page.paths[0] if page.paths else "POST /women/ → `?search=…`"
        if len(page.paths) > 1:
            path = re.sub(r"[0-9a-f-]{36}", "<code>", path)
        row = [page.label, f"`{path}`" if "`" not in path else path]
        bytes_seen: int | None = None
        bad: Counter[int] = Counter()
        for users in results.levels:
            run_ = results.runs.get((page.key, users))
            if run_ is None:
                row += ["—", "—", "—"]
                continue
            rps = run_.rps
            row += [ms(run_.percentile(50)), ms(run_.percentile(95)), f"{rps:.1f}" if rps else "—"]
            bytes_seen = bytes_seen or run_.size
            bad.update({k: v for k, v in run_.statuses.items() if k != 200})
        measured = results.process.get(page.key, InProcess())
        queries = "/".join(str(measured.queries.get(u, "—")) for u in (SOCIAL_WORKER, SUPERVISOR))
        if measured.error:
            queries = "error"
        ratio = results.ratio(page)
        cell, met, checked = results.targets(page)
        met_total, checked_total = met_total + met, checked_total + checked
        row += [
            f"{bytes_seen:,}" if bytes_seen else "—",
            queries,
            ms(measured.sql_ms) if page.list_rows else "",
            f"{ratio:.1f}x" if ratio else ("—" if page.list_rows else ""),
            ", ".join(f"{n}x {s or 'no answer'}" for s, n in sorted(bad.items())) or "0",
            cell,
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        f"Targets met: {met_total} of {checked_total}"
        + (f" (the targets are for {TARGET_WOMEN:,} women on 2 cores)" if smoke else "")
        + f". p95 ✓: at most {TARGET_P95_MS:.0f} ms with 1 user; {TARGET_RPS:.0f}/s ✓: at least "
        f"{TARGET_RPS:.0f} requests/s with {TARGET_RPS_USERS} users; "
        f"≤{TARGET_SQL_RATIO:.0f}x SQL ✓: the page's p50 with 1 user over its raw SQL. "
        "Bytes: the median HTML body, uncompressed.",
    ]
    problems = []
    for page in results.pages:
        for users in results.levels:
            run_ = results.runs.get((page.key, users))
            if run_ is not None and run_.errors:
                shown = "; ".join(
                    f"{e} ({n}x)" for e, n in run_.errors.most_common(MAX_ERRORS_SHOWN)
                )
                problems.append(f"- {page.label}, {users} user(s): {shown}")
        error = results.process.get(page.key, InProcess()).error
        if error:
            problems.append(f"- {page.label}, in process: {error}")
    for path, exception in results.server_errors.items():
        problems.append(f"- gunicorn log, `{path}`: {exception}")
    if problems:
        lines += ["", "Errors:", "", *problems]
    details = [
        "",
        "In process (django.test.Client, same database, social worker; medians of "
        f"{args.sql_repeats} requests, each followed by the raw SQL; other processes used "
        f"{results.cpu_in_process.others:.0%} of the machine meanwhile):",
        "",
        "| Page | In-process ms | All its SELECTs, raw ms | Raw SQL ms (rows) | Row queries "
        "| Women counted |",
        "|---|---|---|---|---|---|",
    ]
    for page in results.pages:
        listed = results.process.get(page.key)
        if listed is None or listed.error:
            continue
        counted = f"{listed.rows_counted:,}" if listed.rows_counted is not None else ""
        rows = str(len(listed.sql_statements)) if page.list_rows else ""
        details.append(
            f"| {page.label} | {ms(listed.page_ms)} | {ms(listed.all_sql_ms)} "
            f"({len(listed.selects)}) | "
            f"{ms(listed.sql_ms) if page.list_rows else ''} | {rows} | {counted} |"
        )
    lines += details
    lines += role_pages_report(results.roles)
    lines += research_report(results.research)
    lines += [
        "",
        "Raw SQL (rows): the SELECTs the page ran on the tables of the women, their custody "
        "episodes, children and placements (the paginator's count, the page of women, their "
        "children), re-executed with a raw cursor and fetched as tuples; `--show-sql` lists them. "
        "Not included: the session and user queries, the filter form's choices, building model "
        "instances, the template, middleware and HTTP. All its SELECTs: every SELECT the page "
        "ran (how many in brackets), re-executed the same way; writes, such as a file's audit "
        "entry, are not.",
    ]
    if args.show_sql:
        lines += ["", "The raw SQL compared (social worker):"]
        for page in results.pages:
            listed = results.process.get(page.key)
            if listed is None or not page.list_rows:
                continue
            lines += ["", f"{page.label}:", "", "```sql", *listed.sql_statements, "```"]
    return "\n".join(lines) + "\n"


# --- Main -------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    cores = len(os.sched_getaffinity(0))
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Benchmark Komar's main pages under gunicorn (see docs/performance.md).",
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--women", type=int, default=TARGET_WOMEN, help="dataset size")
    parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers")
    parser.add_argument("--users", default="1,16", help="concurrent users, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="per page and user count")
    parser.add_argument("--seconds", type=float, default=20, help="per page and user count")
    parser.add_argument("--sql-repeats", type=int, default=15, help="in-process runs per page")
    parser.add_argument("--pages", default="", help="only these pages (keys, comma-separated)")
    parser.add_argument("--rule", default="", help=f"rule for the flag list ({DEFAULT_RULE})")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset again")
    parser.add_argument(
        "--show-sql", action="store_true", help="add the raw SQL compared to the report"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile each page in process (cProfile)"
    )
    parser.add_argument(
        "--no-refresh", action="store_true", help="do not run refresh_findings before measuring"
    )
    parser.add_argument(
        "--keep", action="store_true", help="PostgreSQL: keep the data directory for next time"
    )
    parser.add_argument(
        "--no-research",
        dest="research",
        action="store_false",
        help="skip the research export and factor study timings",
    )
    parser.add_argument("--pg-port", type=int, default=55433)
    parser.add_argument("--pg-dir", default="", help="default /tmp/komar-bench-pg-<port>")
    parser.add_argument("--sqlite-path", default="", help="default var/bench-<N>.sqlite3")
    parser.add_argument("--output", default="", help="default test-output/bench-<db>-<N>.md")
    args = parser.parse_args(argv)
    args.levels = sorted({int(u) for u in args.users.split(",") if u.strip()})
    if args.women < 1 or args.workers < 1 or not args.levels or min(args.levels) < 1:
        parser.error("--women, --workers and --users must be positive")
    return args


def pick_rule(port: int, wanted: str) -> str:
    """The flag list's rule, checked against the rule list page."""
    browser = sign_in_many(port, 1, [])[0]
    listing = browser.request("GET", "/work/rules/")
    browser.close()
    codes = re.findall(r'id="rule-([\w-]+)"', listing.body.decode(errors="replace"))
    if listing.status != 200 or not codes:
        fallback = wanted or DEFAULT_RULE
        say(f"/work/rules/ gave {listing.status or listing.error}; using the rule {fallback}")
        return fallback
    if wanted:
        if wanted not in codes:
            raise BenchError(f"no rule {wanted!r} on /work/rules/ (there are: {', '.join(codes)})")
        return wanted
    return DEFAULT_RULE if DEFAULT_RULE in codes else codes[0]


def server_roots(db: Database) -> list[int]:
    """The processes whose CPU is the server's: this one (gunicorn is its child) and
    PostgreSQL's postmaster (daemonised by pg_ctl)."""
    postmaster = db.server.postmaster() if db.server is not None else 0
    return [os.getpid()] + ([postmaster] if postmaster else [])


def http_load(
    args: argparse.Namespace, data: Dataset, db: Database, env: dict[str, str], log: Path
) -> tuple[list[Page], dict[tuple[str, int], PageRun], float, CpuShares]:
    """gunicorn up, a warm-up, then every page at every number of users; gunicorn down."""
    runs: dict[tuple[str, int], PageRun] = {}
    with gunicorn(env, args.workers, log) as port:
        say(f"gunicorn on {HOST}:{port} with {args.workers} workers")
        pages = make_pages(data, pick_rule(port, args.rule))
        if args.pages:
            keep = set(args.pages.split(","))
            unknown = keep - {p.key for p in pages}
            if unknown:
                raise BenchError(
                    f"unknown pages {', '.join(sorted(unknown))}; pages: "
                    + ", ".join(p.key for p in pages)
                )
            pages = [p for p in pages if p.key in keep]
        load = os.getloadavg()[0]
        if load > 0.5:
            say(f"the machine is busy (load average {load:.1f}): figures will suffer")
        cpu_before = cpu_snapshot(server_roots(db))
        # Warm every worker on every page (templates, translations, connections) untimed.
        say("warming up")
        warm = sign_in_many(port, min(args.workers, max(args.levels)), pages)
        for page in pages:
            run_page(page, [[b] for b in warm], 3 * len(warm), args.seconds)
        for browser in warm:
            browser.close()
        for users in args.levels:
            # Fresh sign-ins per level: one user is one thread alternating two sessions.
            browsers = sign_in_many(port, max(users, 2), pages)
            groups = [browsers] if users == 1 else [[b] for b in browsers]
            for page in pages:
                result = run_page(page, groups, args.requests, args.seconds)
                runs[page.key, users] = result
                say(
                    f"{users:>3} user(s)  {page.key:<14} "
                    f"p50 {ms(result.percentile(50)):>7} ms  "
                    f"p95 {ms(result.percentile(95)):>7} ms  {result.rps or 0:7.1f}/s  "
                    f"{len(result.samples)} requests"
                    + (f", {sum(result.errors.values())} not 200" if result.errors else "")
                )
            for browser in browsers:
                browser.close()
        cpu = cpu_shares(cpu_before, cpu_snapshot(server_roots(db)))
        say(
            f"CPU: {cpu.busy:.0%} busy, server {cpu.server:.0%}, load generator "
            f"{cpu.generator:.0%}, others {cpu.others:.0%}"
        )
    return pages, runs, load, cpu


def bench(args: argparse.Namespace) -> str:
    started = dt.datetime.now()
    db = prepare_database(args)
    scratch = Path(tempfile.mkdtemp(prefix="komar-bench-"))
    output = Path(args.output or ROOT / "test-output" / f"bench-{db.vendor}-{args.women}.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    log = output.with_suffix(".gunicorn.log")
    try:
        dev_env = _env(KOMAR_DATA_DIR=str(scratch), KOMAR_LOG_LEVEL="WARNING", **db.env)
        # Production, as in docs/deployment.md: a fresh secret, loopback only, WhiteNoise serving
        # the hashed static files that collectstatic puts in KOMAR_DATA_DIR/static.
        prod_env = dict(
            dev_env,
            KOMAR_PRODUCTION="1",
            KOMAR_SECRET_KEY=secrets.token_urlsafe(50),
            KOMAR_ALLOWED_HOSTS=HOST,
        )
        setup_django(prod_env)
        build_or_reuse(db, args, dev_env)
        if db.server is not None:
            say("restarting PostgreSQL with its default durability settings for the measurements")
            db.server.start(fast=False)
        # First: in production every command that loads the URLs needs the static manifest.
        say("collectstatic")
        manage("collectstatic", "--noinput", "-v0", env=prod_env)
        refresh = refresh_findings(prod_env) if not args.no_refresh else ""
        hits = search_hit_rate(prod_env)
        data = explore_dataset()
        for name, count in data.facility_counts[:3]:
            say(f"  {count:>7,} women last held at {name}")
        say(f"users' facilities: {data.user_facilities}")
        say(f"names searched: {data.latin_name!r} and {data.khmer_name!r}")

        pages, runs, load, cpu = http_load(args, data, db, prod_env, log)
        say("in process: query counts and raw SQL")
        cpu_before = cpu_snapshot(server_roots(db))
        process = in_process(pages, args.sql_repeats, args.seconds, profile=args.profile)
        cpu_in_process = cpu_shares(cpu_before, cpu_snapshot(server_roots(db)))
        if args.profile:
            profiles = output.with_suffix(".profile.txt")
            profiles.write_text("\n".join(p.profile for p in process.values() if p.profile))
            say(f"profiles in {profiles}")
        say("in process: the other roles' pages")
        roles = role_pages()
        research = research_timings(prod_env) if args.research else []
        results = Results(
            pages,
            args.levels,
            runs,
            process,
            server_errors(log),
            load=load,
            cpu=cpu,
            cpu_in_process=cpu_in_process,
            research=research,
            roles=roles,
        )
        if hits:
            data.notes.insert(0, hits)
        if refresh:
            data.notes.insert(0, refresh)
        text = report(args, db, data, results, args.workers, started)
        output.write_text(text)
        say(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
        return text
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if db.server is not None:
            close_connections_quietly()
            db.server.cleanup()


def close_connections_quietly() -> None:
    with suppress(Exception):
        close_connections()


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that gunicorn and PostgreSQL are stopped on the way out


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        print(bench(args), end="")
    except BenchError as exc:
        say(f"stopped: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
