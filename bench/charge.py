"""Load at the due date (issue 13), one command: `.venv/bin/python bench/charge.py` (`make bench-charge`).

Against gunicorn (3 workers, DEBUG off) and PostgreSQL on 127.0.0.1: simulated agents save their CPAM's rows of
the II.1 grid with the version of the page they loaded (a 409 is reloaded and retried once), responsables explain
their report's variations and transmit it, relecteurs read the national view, reports and archived PDFs.
Printed: requests, p50 and p95 of each page, the errors (HTTP 5xx, unexpected 4xx, timeouts), then every value
the server acknowledged read back from the database: « mises à jour perdues : N ». Exit 1 on any error or loss.

The demo (`demo --regions 12 --years 2 --cpams 4`) is built once into the database bench_charge_base (marker in
bench/.data/, as bench/national.py); each run copies it into bench_charge (CREATE DATABASE … TEMPLATE) with its
media, so every run starts from the same state. The bench's users are created in that copy (see `preparer`):
one agent per CPAM of the regions that keep writing, one responsable per region that transmits, relecteurs.
The users' sessions are opened before the measure (the day's users logged in earlier): 50 logins at once cost
50 PBKDF2 hashes, which alone hold the 2 cores for about a minute; --connexion measures them through the form.
Options: --users 50  --seconds 90  --rebuild  --tasks database|immediate (database: one `manage.py db_worker`
runs beside gunicorn, as in production)  --connexion  --timeout 60 (seconds; a later answer is an error).
Requires locust (bench/requirements.txt).
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national import DATA, PG, PY, ROOT, build, env_for, free_port  # noqa: E402

SPEC = {"regions": 12, "years": 2, "cpams": 4}
TRANSMETTEURS = 4  # regions whose responsable transmits; their CPAMs get no agent, so no save meets a sent report
RELECTEURS = 4
MOT_DE_PASSE = "charge-bench"  # every bench user's: one hash for all keeps the preparation fast
SPAWN_SECONDS = 10
ACCES = DATA / "charge-acces.log"
PAGES = [  # the server's access log → the page names of the client's table
    (r"GET /national/\d+/$", "vue nationale"),
    (r"GET .*/saisie/II-1/$", "II.1 grille (page)"),
    (r"POST .*/saisie/II-1/$", "II.1 enregistrement"),
    (r"GET .*/variations/$", "variations (page)"),
    (r"POST .*/variations/$", "variations enregistrement"),
    (r"GET .*/transmission/$", "transmission (page)"),
    (r"POST .*/transmettre/$", "transmission (envoi)"),
    (r"GET .*/archives/\d+/$", "PDF archivé"),
    (r"GET .*/saisie/$", "saisie (sommaire)"),
    (r"GET /rapports/[^/]+/\d+/$", "rapport (page)"),
    (r"GET /accounts/login/$", "connexion (page, et démarrage)"),
    (r"POST /accounts/login/$", "connexion"),
]


def run_env(tasks):
    # No mail server here: the notifications of a transmission are built and dropped, not sent.
    email = "django.core.mail.backends.dummy.EmailBackend"
    return {**env_for("charge"), "TASKS_BACKEND": tasks, "PYTHONPATH": str(ROOT), "EMAIL_BACKEND": email}


def fresh_copy():
    """bench_charge := bench_charge_base, database and media, so each run starts from the demo's state."""
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_charge WITH (FORCE)")
        conn.execute("CREATE DATABASE bench_charge TEMPLATE bench_charge_base")
    shutil.rmtree(DATA / "media-charge", ignore_errors=True)
    if (DATA / "media-charge_base").exists():
        shutil.copytree(DATA / "media-charge_base", DATA / "media-charge")


def in_django(env, step, payload=None):
    """Run one step of this file inside Django (`preparer` or `verifier`) in the bench's environment."""
    proc = subprocess.run(
        [PY, __file__, "--interne", step],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload or {}),
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"étape {step} en échec (code {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def session_of(user):
    """A session as the login form would open it: the day's users logged in before the measure starts."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def preparer(payload):
    """The bench's users and what the simulated users need to know, read once from the copied database."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from activites.models import Indicateur, Regle
    from caisses.models import Caisse, Exercice, Membership
    from rapports.models import ArchivePDF

    Role = Membership.Role
    User = get_user_model()
    annee = Exercice.objects.order_by("-annee").values_list("annee", flat=True)[0]
    nationale = Caisse.objects.get(type=Caisse.Type.NATIONALE)
    regions = list(Caisse.objects.regionales().order_by("code"))
    hashed = make_password(MOT_DE_PASSE)
    sessions = not payload.get("connexion")
    comptes = {"agents": [], "responsables": [], "relecteurs": []}

    def compte(kind, login, role, caisse, **extra):
        user, _ = User.objects.update_or_create(username=login, defaults={"password": hashed, "is_active": True})
        Membership.objects.update_or_create(user=user, defaults={"role": role, "caisse": caisse, "site": None})
        comptes[kind].append({"login": login, "session": session_of(user) if sessions else "", **extra})

    with transaction.atomic():
        for region in regions[:TRANSMETTEURS]:
            compte("responsables", f"resp-{region.code.lower()}", Role.RESPONSABLE, region, region=region.code)
        for region in regions[TRANSMETTEURS:]:
            for cpam in Caisse.objects.primaires().filter(parent=region).order_by("code"):
                compte("agents", f"agent-{cpam.code.lower()}", Role.AGENT, cpam, region=region.code, cpam=cpam.code)
        for number in range(1, RELECTEURS + 1):
            compte("relecteurs", f"relecteur-{number}", Role.RELECTEUR, nationale)
    # Figures no rule ties to another one: a random count in them cannot be refused by a sum or a comparison.
    lies = set(Regle.objects.exclude(nature=Regle.Nature.POSITIF).values_list("indicateur__code", flat=True))
    lies |= set(Regle.objects.values_list("termes__code", flat=True))
    for field in ("numerateur", "denominateur"):
        lies |= set(Indicateur.objects.values_list(f"{field}__code", flat=True))
    libres = sorted(
        Indicateur.objects.filter(nature=Indicateur.Nature.DONNEE, decimales=0)
        .exclude(code__in=[c for c in lies if c])
        .values_list("code", flat=True)
    )
    archives = [
        [code, year, numero]
        for code, year, numero in ArchivePDF.objects.filter(rapport__exercice__annee__lt=annee)
        .order_by("rapport__caisse__code")
        .values_list("rapport__caisse__code", "rapport__exercice__annee", "numero")
    ]
    return {
        "annee": annee,
        "regions": [r.code for r in regions],
        "mot_de_passe": MOT_DE_PASSE,
        "libres": libres,
        "archives": archives,
        **comptes,
    }


def verifier(payload):
    """Each acknowledged cell read back: its stored value must be the last one acknowledged (or one in flight)."""
    from decimal import Decimal

    from activites.models import Valeur

    annee, cells = payload["annee"], payload["cellules"]
    regions = {region for region, _unit, _code, _attendu, _possibles in cells}
    stored = {}
    rows = Valeur.objects.filter(rapport__exercice__annee=annee, rapport__caisse__code__in=regions)
    for region, caisse, site, code, valeur in rows.values_list(
        "rapport__caisse__code", "caisse__code", "site__code", "indicateur__code", "valeur"
    ):
        stored[(region, caisse or site, code)] = valeur
    perdues = []
    for region, unit, code, attendu, possibles in cells:
        value = stored.get((region, unit, code))
        accepted = {Decimal(v) for v in [attendu, *possibles]}
        if value is None or value not in accepted:
            perdues.append([region, unit, code, attendu, None if value is None else str(value)])
    return {"verifiees": len(cells), "perdues": perdues}


def wait_http(url, proc, what):
    for _ in range(150):
        if proc.poll() is not None:
            raise SystemExit(f"{what} s'est arrêté (code {proc.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — local
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} ne répond pas sur {url}")


def serve(env, port):
    cmd = [str(Path(PY).parent / "gunicorn"), "reporting_site.wsgi:application", "-b", f"127.0.0.1:{port}"]
    cmd += ["-w", "3", "--timeout", "120", "--log-level", "warning"]
    # The time each request spent in a worker (%(M)s ms): against the client's time, what was queueing.
    ACCES.unlink(missing_ok=True)
    cmd += ["--access-logfile", str(ACCES), "--access-logformat", "%(m)s %(U)s %(s)s %(M)s"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    wait_http(f"http://127.0.0.1:{port}/accounts/login/", proc, "gunicorn")
    return proc


def worker(env):
    """One db_worker beside gunicorn: the queue of background tasks (TASKS_BACKEND=database)."""
    return subprocess.Popen([PY, "manage.py", "db_worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def stop(proc):
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(base, plan, users, seconds):
    """Locust as a library: `users` users reached in about SPAWN_SECONDS, for `seconds`; returns its Environment."""
    import charge_users
    import gevent
    from locust.env import Environment

    responsables = min(len(plan["responsables"]), max(users // 10, 1))
    relecteurs = min(RELECTEURS, max(users // 10, 1))
    plan["agent_users"] = max(users - responsables - relecteurs, 0)
    charge_users.configure(plan, responsables, relecteurs)
    env = Environment(user_classes=charge_users.USER_CLASSES, host=base, stop_timeout=30)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users / SPAWN_SECONDS, 1))
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return env


def server_times():
    """{page: [ms in a worker]} read from gunicorn's access log."""
    import re

    times = {}
    for line in ACCES.read_text().splitlines() if ACCES.exists() else []:
        if len(line.split()) != 4:
            continue
        method, path, _status, ms = line.split()
        name = next((name for pattern, name in PAGES if re.match(pattern, f"{method} {path}")), "autres")
        times.setdefault(name, []).append(int(ms))
    return times


def centile(values, fraction):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def report(env, journal, perdues, verifiees):
    from charge_users import COMPTEURS

    print(f"\n{'page':<36} {'requêtes':>9} {'p50':>8} {'p95':>8} {'échecs':>7}")
    for (name, method), entry in sorted(env.stats.entries.items()):
        p50, p95 = entry.get_response_time_percentile(0.5), entry.get_response_time_percentile(0.95)
        label = f"{name} ({method})"
        print(f"{label:<36} {entry.num_requests:>9} {p50:>5.0f} ms {p95:>5.0f} ms {entry.num_failures:>7}")
    total = env.stats.total
    print(
        f"{'total':<36} {total.num_requests:>9} {total.get_response_time_percentile(0.5):>5.0f} ms "
        f"{total.get_response_time_percentile(0.95):>5.0f} ms {total.num_failures:>7}"
    )
    print("\ntemps passé dans un worker gunicorn (le reste est l'attente d'un worker libre)")
    for name, values in sorted(server_times().items()):
        print(f"{name:<36} {len(values):>9} {centile(values, 0.5):>5} ms {centile(values, 0.95):>5} ms")
    errors = total.num_failures
    print(f"\nerreurs (HTTP 5xx, 4xx inattendues, délais dépassés) : {errors}")
    for error in env.stats.errors.values():
        print(f"  {error.occurrences} × {error.method} {error.name} : {error.error}")
    for label, count in COMPTEURS.items():
        print(f"{label} : {count}")
    print(f"valeurs acquittées relues en base : {verifiees} cellules ({len(journal)} écritures journalisées)")
    print(f"mises à jour perdues : {len(perdues)}")
    for region, unit, code, attendu, stored in perdues[:10]:
        print(f"  {region} {unit} {code} : acquittée {attendu}, enregistrée {stored or 'aucune'}")
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--tasks", choices=["database", "immediate"], default="database")
    parser.add_argument("--connexion", action="store_true", help="log every user in through the form (PBKDF2)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds to wait for an answer before an error")
    parser.add_argument("--interne", choices=["preparer", "verifier"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.interne:
        import django

        django.setup()
        step = {"preparer": preparer, "verifier": verifier}[args.interne]
        print(json.dumps(step(json.loads(sys.stdin.read() or "{}"))))
        return
    if args.users < 1 or args.seconds < 1:
        raise SystemExit("--users et --seconds doivent être au moins égaux à 1.")
    build("charge_base", SPEC, args.rebuild)
    fresh_copy()
    env = run_env(args.tasks)  # the copy has the schema of this commit: build() migrates the base when reused
    plan = {**in_django(env, "preparer", {"connexion": args.connexion}), "timeout": args.timeout}
    port = free_port()
    server = tasks = None
    try:
        server = serve(env, port)
        tasks = worker(env) if args.tasks == "database" else None
        print(
            f"charge : {args.users} utilisateurs en {SPAWN_SECONDS} s, {args.seconds} s, gunicorn 3 workers, "
            f"tâches {args.tasks}, exercice {plan['annee']}, {len(plan['regions'])} régions, "
            + ("connexion par le formulaire" if args.connexion else "sessions ouvertes avant la mesure")
        )
        locust_env = load(f"http://127.0.0.1:{port}", plan, args.users, args.seconds)
    finally:
        stop(tasks)
        stop(server)
    from charge_users import JOURNAL, cellules_attendues

    cells = cellules_attendues()
    checked = in_django(env, "verifier", {"annee": plan["annee"], "cellules": cells})
    errors = report(locust_env, JOURNAL, checked["perdues"], checked["verifiees"])
    if errors or checked["perdues"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
