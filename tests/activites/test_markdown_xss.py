"""Part III's Markdown: a corpus of XSS payloads, none of which survives rendering (caisses.markdown)."""

import re

import pytest

from caisses.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.invalid/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="JaVaScRiPt:alert(1)">clic</a>',
    '<a href="jav&#x09;ascript:alert(1)">clic</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">clic</a>',
    "[clic](javascript:alert(1))",
    "[clic](JAVASCRIPT:alert(1))",
    "[clic](  javascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox(1))",
    "![image](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    '<p style="color:red" onclick="alert(1)">texte</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<base href="javascript:alert(1)//">',
    "<details open ontoggle=alert(1)>",
    '<a href="#" onmouseover="alert(1)">survol</a>',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | ok |",
    "> <iframe srcdoc='<script>alert(1)</script>'>",
    '<a href="http://exemple.invalid" target="_blank" onclick="alert(1)">lien</a>',
]

FORBIDDEN_TAGS = re.compile(r"<\s*(script|iframe|object|embed|svg|math|style|form|meta|base|img|body|details)\b", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
BAD_URL = re.compile(r"(href|src|action|data)\s*=\s*[\"']?\s*(javascript|vbscript|data):", re.I)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives(payload):
    html = str(render_markdown(f"Texte avant.\n\n{payload}\n\nTexte après."))
    assert not FORBIDDEN_TAGS.search(html), html
    assert not EVENT_HANDLER.search(html), html
    assert not BAD_URL.search(html), html
    assert "style=" not in html.lower(), html
    assert "Texte avant." in html


def test_ordinary_markdown_is_kept():
    html = str(render_markdown("## Titre\n\n**gras**, *italique*, [lien](https://exemple.invalid)\n\n- un\n- deux"))
    assert "<h3>Titre</h3>" in html
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert 'href="https://exemple.invalid"' in html
    assert "<li>un</li>" in html


def test_empty_text():
    assert str(render_markdown("")) == ""
