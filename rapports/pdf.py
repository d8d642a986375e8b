"""The PDF of a report: WeasyPrint's rendering of the report's HTML page, with its print CSS.

`render_pdf(rapport)` is the PDF of a live report (a draft, or returned), cached by `cache_key`; a transmitted
report's PDF is its archived copy, printed afresh at the transmission and never from this cache (rapports.freeze).
Resources are read by `StaticOnlyURLFetcher`: files of the static directories and `data:` URIs, nothing
else (no network, no file outside static: WeasyPrint would otherwise follow any URL in the HTML).
"""

import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

from caisses.models import RapportAnnuel

# The origin the HTML's "/static/..." URLs are resolved against; it is never contacted.
BASE_URL = "https://rapport.invalid/"
BODY_TIMEOUT = 24 * 3600
TEMPLATE = "rapports/rapport.html"
STYLESHEETS = ("css/rapport.css", "css/rapport-print.css")
MIME_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".woff2": ""}


class RefusedURL(ValueError):
    pass


def static_roots():
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_file(url):
    """The file on disk behind an URL of our static files, or None."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        candidate = Path(unquote(parts.path)).resolve()
        return candidate if any(candidate.is_relative_to(root) for root in static_roots()) else None
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(settings.STATIC_URL):
        return None
    relative = unquote(parts.path[len(settings.STATIC_URL) :])
    if not relative or relative.startswith("/") or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    candidate = Path(found).resolve() if found else Path(settings.STATIC_ROOT or "", relative).resolve()
    if not candidate.is_file() or not any(candidate.is_relative_to(root) for root in static_roots()):
        return None
    return candidate


class StaticOnlyURLFetcher(URLFetcher):
    """Serves our static files from disk and `data:` URIs; refuses every other URL."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_file(url)
        if path is None:
            raise RefusedURL(f"Ressource refusée dans le PDF : {url}")
        mime = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime} if mime else {})


def render_html(rapport, context=None):
    """The report page as the PDF sees it: same template, without the site's navigation."""
    from .chiffres_cles import couverture
    from .report import build_report

    context = {"couverture": couverture(rapport), **(context or build_report(rapport)), "pour_pdf": True}
    return render_to_string(TEMPLATE, context)


def corps_brouillon(rapport):
    """The body of a live report's page (rapport_corps.html), kept in Django's cache under `cache_key`: the same
    key names the same body, so an unchanged draft is not assembled again at each look. Whoever reads it, the
    body is the same (the page's actions and the region's place among the others are said around it)."""
    from django.core.cache import cache
    from django.utils.safestring import mark_safe

    from .freeze import BODY_TEMPLATE, body_context

    key = f"corps-rapport:{rapport.pk}:{cache_key(rapport)}"
    corps = cache.get(key)
    if corps is None:
        corps = render_to_string(BODY_TEMPLATE, body_context(rapport))
        cache.set(key, corps, BODY_TIMEOUT)
    return mark_safe(corps)  # noqa: S308 — our own template's output, escaped when it was rendered


def html_to_pdf(html, **options):
    """WeasyPrint's PDF of `html`, tagged; `options` go to write_pdf (e.g. the frozen copy's pdf_variant, attachments).

    Tagged (structure tree, /MarkInfo, the page's lang as /Lang) so that a screen reader reads headings, lists and
    tables in order (RGAA, page « Accessibilité »). PDF/A-3b allows tags without requiring them, so the archive
    keeps its variant and is tagged too; a variant claiming PDF/UA is not used: the charts' images and the tables'
    header cells are not checked against it.
    """
    options = {"pdf_tags": True, **options}
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf(**options)


# The code that builds the page, besides its templates and CSS: a deployment that changes how a figure is
# computed or written must not leave the cached PDFs of drafts behind.
CODE_APPS = ("caisses", "effectifs", "activites", "rapports")


def _layout_version():
    """Changes with the code, templates and print CSS that make the page, and with WeasyPrint and matplotlib."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"{weasyprint.__version__} {metadata.version('matplotlib')}".encode())
    files = sorted(base.glob("templates/rapports/rapport*.html"))
    for app in CODE_APPS:
        files += sorted(path for path in (base / app).rglob("*.py") if "migrations" not in path.parts)
    files += [Path(found) for found in map(finders.find, STYLESHEETS) if found]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_LAYOUT_VERSION = None


def layout_version():
    global _LAYOUT_VERSION
    if _LAYOUT_VERSION is None or settings.DEBUG:
        _LAYOUT_VERSION = _layout_version()
    return _LAYOUT_VERSION


def cache_key(rapport):
    """Same key ⇔ same PDF: every input of the page of a draft, in a fixed number of queries.

    Beyond the report's state and data version (moved by every write through caisses.guard), the page reads: the
    earlier reports behind the N−1 column and the 5-year charts; the exercices of those years (working days, due
    date, which years exist); the region, its CPAMs and its sites (names, addresses, hours, état des locaux); the
    categories; the catalogue (groups, indicators, rules); Part I's variation thresholds; Part III; the report's
    transitions (the cover's dates); and the code, templates and CSS that make it.
    A transmitted report's PDF is never taken from here: its archived copy is (rapports.freeze).
    """
    from activites.models import GroupeIndicateurs, Indicateur, Regle
    from caisses.models import Caisse, Exercice, Site
    from effectifs.models import Categorie

    from .models import PartieTrois, SeuilVariationPartieUn, Transition
    from .report import CHART_YEARS

    region, annee = rapport.caisse_id, rapport.exercice.annee
    years = {"annee__gt": annee - CHART_YEARS, "annee__lte": annee}
    parts = [
        rapport.pk,
        rapport.etat,
        list(
            RapportAnnuel.objects.filter(
                caisse_id=region, **{f"exercice__{lookup}": value for lookup, value in years.items()}
            )
            .order_by("exercice__annee")
            .values_list("pk", "exercice__annee", "version_donnees", "etat")
        ),
        list(Exercice.objects.filter(**years).order_by("annee").values_list()),
        list(Caisse.objects.filter(Q(pk=region) | Q(parent=region)).order_by("pk").values_list()),
        list(Site.objects.of_region(region).order_by("pk").values_list()),
        list(Categorie.objects.order_by("pk").values_list()),
        list(GroupeIndicateurs.objects.order_by("pk").values_list()),
        list(Indicateur.objects.order_by("pk").values_list()),
        list(Regle.objects.order_by("pk").values_list()),
        list(Regle.termes.through.objects.order_by("pk").values_list()),
        # The annex « Explications des variations » lists what passes these thresholds (the explanations are
        # report data: the data version covers them).
        list(SeuilVariationPartieUn.objects.order_by("pk").values_list()),
        list(PartieTrois.objects.filter(rapport_id=rapport.pk).values_list("pk", "observations")),
        # The cover's dates and transmission n° (a report returned twice keeps its state but not its dates).
        list(Transition.objects.filter(rapport_id=rapport.pk).order_by("pk").values_list("pk", "action", "date")),
        layout_version(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cache_dir():
    return Path(settings.MEDIA_ROOT) / "cache" / "rapports-pdf"


def cache_enabled():
    return getattr(settings, "RAPPORT_PDF_CACHE", True)


def render_pdf(rapport, use_cache=None):
    """The PDF of the report as bytes, from the cache when its data and layout have not changed."""
    use_cache = cache_enabled() if use_cache is None else use_cache
    if not use_cache:
        return html_to_pdf(render_html(rapport))
    path = cache_dir() / f"{rapport.caisse.code}-{rapport.exercice.annee}-{cache_key(rapport)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = html_to_pdf(render_html(rapport))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under another name then renamed: a concurrent reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(pdf)
    os.replace(tmp, path)
    for old in path.parent.glob(f"{rapport.caisse.code}-{rapport.exercice.annee}-*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return pdf


def pdf_filename(rapport):
    return f"rapport-{rapport.caisse.code}-{rapport.exercice.annee}.pdf"
