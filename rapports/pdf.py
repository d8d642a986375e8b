"""The PDF of a report: WeasyPrint's rendering of the report's HTML page, with its print CSS.

`render_pdf(rapport)` is what the PDF view, the command line and the transmission archive call.
Resources are read by `StaticOnlyURLFetcher`: files of the static directories and `data:` URIs, nothing
else (no network, no file outside static: WeasyPrint would otherwise follow any URL in the HTML).
"""

import hashlib
import os
import tempfile
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
    from .report import build_report

    context = {**(context or build_report(rapport)), "pour_pdf": True}
    return render_to_string(TEMPLATE, context)


def html_to_pdf(html):
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()


def _layout_version():
    """Changes when the template or the print CSS change, so that cached PDFs of an old layout are not served."""
    digest = hashlib.sha256()
    template_dir = Path(settings.BASE_DIR, "templates")
    for path in sorted(template_dir.glob("rapports/rapport*.html")):
        digest.update(path.read_bytes())
    for name in STYLESHEETS:
        found = finders.find(name)
        if found:
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


_LAYOUT_VERSION = None


def layout_version():
    global _LAYOUT_VERSION
    if _LAYOUT_VERSION is None or settings.DEBUG:
        _LAYOUT_VERSION = _layout_version()
    return _LAYOUT_VERSION


def cache_key(rapport):
    """Same key ⇔ same PDF.

    The key covers what the page shows beyond the report's own data version: its state, the versions of the
    earlier reports behind the N−1 column and the charts, the exercices (the formula's working days), and the
    reference data an administrator may edit without touching any report (caisse, sites, categories, catalogue).
    """
    from activites.models import GroupeIndicateurs, Indicateur
    from caisses.models import Site
    from effectifs.models import Categorie

    from .report import CHART_YEARS

    related = RapportAnnuel.objects.filter(
        caisse_id=rapport.caisse_id,
        exercice__annee__gt=rapport.exercice.annee - CHART_YEARS,
        exercice__annee__lte=rapport.exercice.annee,
    ).order_by("exercice__annee")
    parts = [
        rapport.pk,
        rapport.etat,
        rapport.caisse.nom,
        list(
            related.values_list(
                "exercice__annee",
                "version_donnees",
                "etat",
                "exercice__jours_theoriques_travail",
                "exercice__date_limite",
            )
        ),
        list(
            Site.objects.filter(Q(caisse=rapport.caisse_id) | Q(caisse__parent=rapport.caisse_id))
            .order_by("pk")
            .values_list()
        ),
        list(Categorie.objects.order_by("pk").values_list()),
        list(GroupeIndicateurs.objects.order_by("pk").values_list()),
        list(Indicateur.objects.order_by("pk").values_list()),
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
