"""National-scale benchmark (issue 11), one command: `.venv/bin/python bench/national.py` (`make bench-national`).

Against gunicorn (2 workers, DEBUG off) and PostgreSQL on 127.0.0.1, each data set in its own database:
  realiste  demo --regions 20 --years 20 --cpams 6     (database bench_realiste)
  stress    demo --regions 16 --years Y  --cpams 25    (database bench_stress; 25 CPAMs and their sites: about
            100 units per region; Y = --stress-years, default 2: the demo freezes every validated report with its
            PDF/A, about 2 s each, so 16 × 20 exercices take hours to build)
One Locust user (Locust as a library) walks the pages in turn as the demo's relecteur — the bare authenticated
page (the password-change form), the national view, a report page, the II.1 grid — so every page is measured
side by side in the same run, after one warm-up walk. Printed per set: median and 90th percentile of each page,
the ratio of each median to the bare page's (targets: national ≤ 3×, report ≤ 5×, grid ≤ 5× on the realistic
set), the national view's SQL queries (target: the same on both sets, ≤ 20) and the II.1 grid's HTML size
(target < 2 MB on the stress set).
Options: --sets realiste,stress  --seconds S (measure per set, default 60)  --rebuild  --avant DIR (also serve
the same set from another checkout, e.g. a `git worktree` of an earlier commit, and print both in one run).
Requires locust (bench/requirements.txt, installed by `make bench-national`).
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PG = "postgres://postgres@127.0.0.1:5432/"
PY = sys.executable
SETS = {
    "realiste": {"regions": 20, "years": 20, "cpams": 6},
    "stress": {"regions": 16, "years": None, "cpams": 25},
    "essai": {"regions": 3, "years": 2, "cpams": 3},  # to try the benchmark itself in a minute
}
TARGETS = {"national": 3, "rapport": 5, "grille": 5}


def env_for(name):
    return {
        **os.environ,
        "DATABASE_URL": PG + f"bench_{name}",
        "MEDIA_ROOT": str(DATA / f"media-{name}"),
        "DJANGO_SETTINGS_MODULE": "reporting_site.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "0",
    }


def build(name, spec, rebuild):
    """Create the set's database and load the demo in it, unless a marker says it is there with these sizes."""
    import psycopg

    marker = DATA / f"{name}.json"
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == spec:
        # A set built by an earlier commit gets the schema of this one (adding columns keeps its data).
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env_for(name), check=True)
        print(f"[{name}] base réutilisée : {spec}")
        return
    DATA.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS bench_{name}")
        conn.execute(f"CREATE DATABASE bench_{name}")
    started = time.perf_counter()
    env = env_for(name)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    args = ["--regions", str(spec["regions"]), "--years", str(spec["years"]), "--cpams", str(spec["cpams"])]
    subprocess.run([PY, "manage.py", "demo", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    marker.write_text(json.dumps(spec))
    print(f"[{name}] base construite en {time.perf_counter() - started:.0f} s : {spec}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def in_process(name):
    """Facts read with Django itself: the URLs to walk, the national view's queries, the grid's size."""
    env = {**env_for(name), "ALLOWED_HOSTS": "testserver,127.0.0.1"}
    script = str(ROOT / "bench" / "national_facts.py")
    out = subprocess.run([PY, script], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def serve(name, port, code=ROOT):
    cmd = [str(Path(PY).parent / "gunicorn"), "reporting_site.wsgi:application", "-b", f"127.0.0.1:{port}"]
    cmd += ["-w", "2", "--timeout", "300", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=code, env={**env_for(name), "PYTHONPATH": str(code)})
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310 — local
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"[{name}] gunicorn ne répond pas sur le port {port}")


def walk(base, urls, seconds):
    """One Locust user walking the four pages in turn for `seconds`; {page: (median ms, p90 ms, count)}."""
    import gevent
    from locust import HttpUser, SequentialTaskSet, constant, task
    from locust.env import Environment

    class Walk(SequentialTaskSet):
        @task
        def pages(self):
            for page, url in urls.items():
                with self.client.get(url, name=page, catch_response=True) as response:
                    if response.status_code != 200:
                        response.failure(f"{page} : HTTP {response.status_code}")

    class Relecteur(HttpUser):
        host = base
        wait_time = constant(0)
        tasks = [Walk]

        def on_start(self):
            self.client.get("/accounts/login/", name="login")
            token = self.client.cookies.get("csrftoken")
            self.client.post(
                "/accounts/login/",
                {"username": "relecteur", "password": "demo-relecteur", "csrfmiddlewaretoken": token},
                headers={"Referer": base + "/accounts/login/"},
                name="login",
            )
            for url in urls.values():  # warm-up: first draws, caches and connections are not measured
                self.client.get(url, name="warm-up")

    env = Environment(user_classes=[Relecteur])
    runner = env.create_local_runner()
    runner.start(1, spawn_rate=1)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    result = {}
    for page in urls:
        entry = env.stats.get(page, "GET")
        result[page] = (entry.median_response_time, entry.get_response_time_percentile(0.9), entry.num_requests)
        if entry.num_failures:
            raise SystemExit(f"{page} : {entry.num_failures} échecs")
    return result


def measure(name, seconds, avant=None):
    facts = in_process(name)
    runs = [("avant", Path(avant))] if avant else []
    runs.append(("maintenant" if avant else "", ROOT))
    print(
        f"\n== {name} : {facts['regions']} régions, {facts['exercices']} exercices, "
        f"{facts['units']} unités dans la région mesurée ; {seconds} s mesurées par code servi"
    )
    for label, code in runs:
        port = free_port()
        proc = serve(name, port, code)
        try:
            stats = walk(f"http://127.0.0.1:{port}", facts["urls"], seconds)
        finally:
            proc.terminate()
            proc.wait()
        bare = stats["bare"][0] or 1
        if label:
            print(f"-- code {label} : {code}")
        print(f"{'page':<10} {'médiane':>9} {'p90':>7} {'requêtes':>9} {'× page nue':>11} cible")
        for page, (median, p90, count) in stats.items():
            ratio = median / bare
            target = TARGETS.get(page)
            verdict = "" if target is None else (f"≤ {target}× : {'OK' if ratio <= target else 'NON'}")
            print(f"{page:<10} {median:>7.0f} ms {p90:>4.0f} ms {count:>9} {ratio:>10.1f}× {verdict}")
    print(f"requêtes SQL de la vue nationale : {facts['queries']} (cible ≤ 20, identique d'un jeu à l'autre)")
    print(f"grille II.1 : {facts['grid_bytes'] / 1e6:.2f} Mo de HTML pour {facts['units']} unités")
    return facts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="realiste,stress")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--stress-years", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--avant", help="another checkout to serve the same sets from, measured in the same run")
    args = parser.parse_args()
    for name in args.sets.split(","):
        spec = dict(SETS[name])
        spec["years"] = spec["years"] or args.stress_years
        build(name, spec, args.rebuild)
        measure(name, args.seconds, args.avant)


if __name__ == "__main__":
    main()
