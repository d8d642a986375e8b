"""Reading an interchange document's bytes into JSON values: whatever the bytes, a French error, never a traceback.

Python's json accepts things the rest of the application cannot hold, or fails in ways that are not a
JSONDecodeError (STACK-NOTES.md): a deep nesting raises RecursionError, an integer of more than 4 300 digits
ValueError, lone surrogates ("\\ud800") pass and break the database and the templates at encode time, and
PostgreSQL cannot store NUL characters. Each is refused here, with its JSON path when it has one.
"""

import json
import re
from decimal import Decimal, InvalidOperation

from caisses.interchange import INVALID, MAX_DIGITS, index, join
from caisses.numbers import format_nombre

MAX_BYTES = 10 * 1024 * 1024
# The format's deepest value is at depth 5 (partie_2.enquete_satisfaction.items[0].dimension); beyond this
# margin a document is not one of ours, and the validators need not care about deep recursion.
MAX_DEPTH = 12
# A float literal longer than this is no figure of a report (30 digits, a sign, a point, an exponent).
MAX_NUMBER_CHARS = MAX_DIGITS + 10
# One error per bad value is enough to correct a document; beyond this many, a count.
MAX_ERRORS = 50

_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
TOO_DEEP = (
    f"document trop imbriqué (plus de {MAX_DEPTH} niveaux de listes ou d'objets) : ce n'est pas un document d'échange"
)
SURROGATE = (
    "caractère Unicode invalide (demi-paire de substitution isolée, par exemple \\ud800) : "
    "corrigez ce texte dans le document"
)
NUL = "caractère nul (\\u0000) interdit dans un texte : retirez-le du document"

# json's messages (CPython 3.11–3.13) in French; any other one gets the generic wording.
_JSON_MESSAGES = (
    ("Expecting value", "valeur attendue"),
    ("Expecting property name enclosed in double quotes", "nom de clé attendu, entre guillemets droits"),
    ("Expecting ':' delimiter", "deux-points « : » attendus"),
    ("Expecting ',' delimiter", "virgule « , » attendue"),
    ("Unterminated string starting at", "texte non terminé (guillemet fermant manquant)"),
    ("Invalid control character", "caractère de contrôle interdit dans un texte (saut de ligne, tabulation…)"),
    ("Invalid \\uXXXX escape", "séquence \\uXXXX invalide"),
    ("Invalid \\escape", "séquence d'échappement invalide (\\ suivi d'un caractère non prévu)"),
    ("Extra data", "données après la fin du document"),
    ("Illegal trailing comma", "virgule en trop avant la fin d'une liste ou d'un objet"),
)


def megabytes(size):
    return format_nombre(size / 1024 / 1024, 1)


def too_big(size):
    return f"document trop volumineux ({megabytes(size)} Mo ; au plus 10 Mo)"


def french_json_message(message):
    for english, french in _JSON_MESSAGES:
        if message.startswith(english):
            return french
    return "syntaxe JSON incorrecte"


class _Refused(ValueError):
    """Raised by a parsing hook; json lets it through unchanged."""


class _TooLong:
    """A number literal too long to be a figure, kept in place so that its JSON path can be reported."""

    def __init__(self, text):
        self.text = text


def _reject_constant(name):
    raise _Refused(f"{name} n'est pas une valeur JSON autorisée")


class _Hooks:
    """json's hooks for one document, noting what the walk after the parsing must look for."""

    def __init__(self):
        self.too_long = False
        self.duplicates = {}  # id(object) → (object, its keys given twice); the object kept so its id stays unique

    def parse_int(self, text):
        if len(text.lstrip("-")) > MAX_DIGITS:
            self.too_long = True
            return _TooLong(text)
        return int(text)

    def parse_float(self, text):
        if len(text) > MAX_NUMBER_CHARS:
            self.too_long = True
            return _TooLong(text)
        return Decimal(text)

    def pairs(self, items):
        obj = dict(items)
        if len(obj) != len(items):
            seen = set()
            self.duplicates[id(obj)] = (obj, sorted({k for k, _ in items if k in seen or seen.add(k)}))
        return obj


# NUL and lone surrogates can only come as \u escapes (raw, json or the UTF-8 decoder refuses them first).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")


def parse_document(raw, errors):
    """bytes / str → the JSON value (floats as Decimal), or INVALID with the errors recorded."""
    if isinstance(raw, str):
        try:
            raw = raw.encode("utf-8")
        except UnicodeEncodeError:
            errors.add("", SURROGATE)
            return INVALID
    if len(raw) > MAX_BYTES:
        errors.add("", too_big(len(raw)))
        return INVALID
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.add("", "le document n'est pas encodé en UTF-8")
        return INVALID
    hooks = _Hooks()
    try:
        doc = json.loads(
            text,
            parse_float=hooks.parse_float,
            parse_int=hooks.parse_int,
            parse_constant=_reject_constant,
            object_pairs_hook=hooks.pairs,
        )
    except json.JSONDecodeError as exc:
        errors.add("", f"JSON invalide, ligne {exc.lineno} colonne {exc.colno} : {french_json_message(exc.msg)}")
        return INVALID
    except RecursionError:
        errors.add("", TOO_DEEP)
        return INVALID
    except _Refused as exc:
        errors.add("", f"JSON invalide : {exc}")
        return INVALID
    except (ValueError, InvalidOperation):
        errors.add("", "JSON invalide : syntaxe JSON incorrecte")
        return INVALID
    scalars = hooks.too_long or _SUSPECT_ESCAPE.search(text) is not None
    check_values(doc, errors, hooks.duplicates, scalars=scalars)
    return INVALID if errors else doc


def check_values(doc, errors, duplicates=None, scalars=True):
    """Record every value the application cannot hold, with its JSON path; iterative, whatever the depth.

    Without ``scalars`` only the depth and the duplicated keys are checked (the parser saw nothing else amiss).
    """
    found = 0

    def add(trail, message, key_name=False):
        nonlocal found
        found += 1
        if found <= MAX_ERRORS:
            path = _path(trail)
            errors.add(join(path, "(nom de clé)") if key_name else path, message)

    # (value, depth, trail): a trail is (parent's trail, key or index), the path built only for an error.
    stack = [(doc, 0, None)]
    while stack:
        value, depth, trail = stack.pop()
        if isinstance(value, str):
            message = _text_error(value)
            if message:
                add(trail, message)
        elif isinstance(value, _TooLong):
            digits = sum(c.isdigit() for c in value.text)
            add(trail, f"nombre trop long ({digits} chiffres ; au plus {MAX_DIGITS})")
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                add(trail, TOO_DEEP)
                continue
            if isinstance(value, dict):
                if duplicates and duplicates.get(id(value), (None,))[0] is value:
                    for key in duplicates[id(value)][1]:
                        if not _BAD_CHARACTER.search(key):
                            add((trail, key), "clé en double : une clé ne figure qu'une fois dans un objet")
                items = reversed(value.items())
            else:
                items = zip(range(len(value) - 1, -1, -1), reversed(value), strict=True)
            for key, item in items:
                if scalars and isinstance(key, str) and _BAD_CHARACTER.search(key):
                    add(trail, _text_error(key), key_name=True)
                elif isinstance(item, (dict, list)) or (scalars and isinstance(item, (str, _TooLong))):
                    stack.append((item, depth + 1, (trail, key)))
    if found > MAX_ERRORS:
        errors.add("", f"… et {found - MAX_ERRORS} autres erreurs du même genre")


def _path(trail):
    keys = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    path = ""
    for key in reversed(keys):
        path = index(path, key) if isinstance(key, int) else join(path, key)
    return path


def _text_error(text):
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return ""
    return NUL if match.group() == "\x00" else SURROGATE
