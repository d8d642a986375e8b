"""The report's benchmark, one command: `.venv/bin/python bench/run.py` (or `make bench`).

Builds the large demo set (20 regions × 5 exercices × 8 CPAMs) plus the example region CARSAT-EX (3 CPAMs) in
its own SQLite file, then measures side by side:
  (a) the uncached PDF of a full report vs WeasyPrint alone on the same HTML   (target: ratio ≤ 1,3)
  (b) the cached PDF vs the uncached PDF                                        (target: ≥ 20 × faster)
  (c) SQL queries of the HTML report for a small and a large region            (target: the same count, ≤ 20)
  (d) `rapport_pdf --all` for every region with 2 worker processes (wall time)
  (e) the PDF of the largest report the limits allow (every narrative at its maximum length, figures at the top
      of their bounds: bench/largest.py), uncached
Options: --rebuild (rebuild the database), --runs N (timed runs per measure, default 5).
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
BENCH_DIR = ROOT / "bench" / ".data"
DB = BENCH_DIR / "bench.sqlite3"
REGIONS, YEARS, CPAMS = 20, 5, 8
EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "reporting_site.settings"
    # Measured as in production (DEBUG off), which requires a key: a throw-away one for this run.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()


def build(rebuild):
    from django.core.management import call_command

    if rebuild and DB.exists():
        DB.unlink()
    fresh = not DB.exists()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if fresh:
        call_command("demo", regions=REGIONS, years=YEARS, cpams=CPAMS, stdout=open(os.devnull, "w"))  # noqa: SIM115
        import_examples()
    print(f"Base de mesure : {DB} ({'construite' if fresh else 'réutilisée'} en {time.perf_counter() - started:.1f} s)")


def import_examples():
    """The example region: smaller than the demo regions, and complete in every part the importer knows."""
    from rapports.interchange import import_document

    for year in (2024, 2025):
        path = EXAMPLES / f"exemple-rapport-CARSAT-EX-{year}.json"
        if not path.exists():
            continue
        result = import_document(path.read_text(encoding="utf-8"), mode="admin")
        if not result.ok:
            print(f"  import de {path.name} refusé : {result.errors[:3]}")


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_time(fn, runs):
    return statistics.median(timed(fn) for _ in range(runs))


def page_count(data):
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def queries_of_html(client, rapport):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("rapport_detail", kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def verdict(ok):
    return "atteint" if ok else "NON ATTEINT"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    build(args.rebuild)

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from caisses.models import Caisse, Exercice, RapportAnnuel
    from rapports import pdf

    annee = Exercice.objects.order_by("-annee").values_list("annee", flat=True).first()
    regions = Caisse.objects.regionales().annotate(cpams=Count("enfants")).order_by("cpams", "code")
    small_region, large_region = regions.first(), regions.last()

    def rapport_of(region):
        return RapportAnnuel.objects.select_related("caisse", "exercice").get_or_create(
            caisse=region, exercice=Exercice.objects.get(annee=annee)
        )[0]

    small, large = rapport_of(small_region), rapport_of(large_region)
    print(
        f"Exercice {annee} ; petite région {small_region.code} ({small_region.cpams} CPAM), "
        f"grande région {large_region.code} ({large_region.cpams} CPAM) ; médianes sur {args.runs} mesures.\n"
    )

    # (a) The whole pipeline (queries, charts, template, WeasyPrint) against WeasyPrint alone on its HTML.
    html = pdf.render_html(large)
    data = pdf.html_to_pdf(html)
    # Interleaved, so that a busy neighbour on the machine weighs on both sides alike.
    full_times, alone_times, html_times = [], [], []
    for _ in range(args.runs):
        full_times.append(timed(lambda: pdf.render_pdf(large, use_cache=False)))
        alone_times.append(timed(lambda: pdf.html_to_pdf(html)))
        html_times.append(timed(lambda: pdf.render_html(large)))
    full, alone, build_html = (statistics.median(t) for t in (full_times, alone_times, html_times))
    ratio_a = full / alone
    print(f"(a) PDF complet sans cache ({page_count(data)} pages, {len(data) // 1024} Kio) : {full:.3f} s")
    print(f"    WeasyPrint seul sur le même HTML : {alone:.3f} s ; construction du HTML seule : {build_html:.3f} s")
    print(f"    rapport = {ratio_a:.2f} (cible ≤ 1,3 : {verdict(ratio_a <= 1.3)})\n")

    # (b) The cache: same report, unchanged data.
    pdf.render_pdf(large, use_cache=True)
    cached = median_time(lambda: pdf.render_pdf(large, use_cache=True), max(args.runs, 20))
    ratio_b = full / cached
    print(f"(b) PDF en cache : {cached * 1000:.2f} ms contre {full * 1000:.0f} ms sans cache")
    print(f"    {ratio_b:.0f} × plus rapide (cible ≥ 20 × : {verdict(ratio_b >= 20)})\n")

    # (c) SQL queries of the HTML page, as the relecteur sees it.
    user, _ = get_user_model().objects.get_or_create(username="relecteur")
    client = Client()
    client.force_login(user)
    small_queries, large_queries = queries_of_html(client, small), queries_of_html(client, large)
    same = small_queries == large_queries
    print(f"(c) Requêtes SQL de la page HTML : petite région {small_queries}, grande région {large_queries}")
    print(f"    même nombre : {verdict(same)} ; ≤ 20 : {verdict(max(small_queries, large_queries) <= 20)}\n")

    # (d) Every region's PDF, one task each (the cache is empty: a fresh MEDIA_ROOT). With the default immediate
    # backend they print one after another in this process; with database/redis workers, in parallel.
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-all-")}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "rapport_pdf", "--all", str(annee), "-o", folder],
            check=True,
            env=env,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        count = len(list(Path(folder).glob("*.pdf")))
    print(
        f"(d) rapport_pdf --all {annee} : {count} PDF en {elapsed:.1f} s (TASKS_BACKEND="
        f"{os.environ.get('TASKS_BACKEND', 'immediate')}) "
        f"({elapsed / count:.2f} s par rapport)"
    )

    # (e) The largest report the limits allow.
    from largest import CODE, build_largest, largest_document, text_size

    existing = RapportAnnuel.objects.filter(caisse__code=CODE, exercice__annee=2025).select_related(
        "caisse", "exercice"
    )
    biggest = existing.first() or build_largest()
    runs = max(1, min(args.runs, 3))
    times, data = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        data = pdf.render_pdf(biggest, use_cache=False)
        times.append(time.perf_counter() - started)
    print(
        f"(e) Rapport maximal {CODE} 2025 ({text_size(largest_document()) // 1000} milliers de caractères de texte) : "
        f"{page_count(data)} pages, {len(data) // 1024} Kio, PDF sans cache en {statistics.median(times):.1f} s "
        f"(médiane de {runs})"
    )


if __name__ == "__main__":
    main()
