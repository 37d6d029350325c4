"""The APB's Markdown is sanitised: an editor cannot put script into readers' pages or mail."""
import pytest

from app.services.apb import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src='https://evil.example'></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<object data='evil.swf'></object>",
    "<embed src='evil.swf'>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action='https://evil.example'><button>Go</button></form>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    "<base href='https://evil.example/'>",
    "<link rel=stylesheet href='https://evil.example/x.css'>",
    "<p onclick=alert(1)>hi</p>",
    "<scr<script>ipt>alert(1)</script>",
    "![x](https://evil.example/track.gif)",
    "<details open ontoggle=alert(1)>",
    "<a href='vbscript:msgbox(1)'>x</a>",
]

FORBIDDEN = ["<script", "onerror", "onload", "onclick", "ontoggle", "javascript:", "vbscript:",
             "data:text", "<iframe", "<svg", "<object", "<embed", "<form", "<meta", "<base",
             "<link", "<img", "style=", "<style"]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payloads_are_sanitised_away(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter").lower()
    for marker in FORBIDDEN:
        assert marker not in html, f"{marker!r} survived in {html!r}"
    assert "before" in html


def test_ordinary_markdown_keeps_its_formatting():
    html = render_markdown("## Tips\n\n- **Lock** your door\n- [ALERT](https://example.org/alert)")
    assert "<h2>Tips</h2>" in html
    assert "<strong>Lock</strong>" in html
    assert 'href="https://example.org/alert"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
