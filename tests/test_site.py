"""The built book as a reader's browser sees it (after `make docs`).

Every page Doxygen wrote is parsed: an internal link to a missing file or
anchor, an image or embedded figure that is not there, or a chapter page
whose <title> lacks the chapter's `# Title` fails.  Then headless Chromium
renders the front page and one chapter with a figure into build/site/*.png,
for a person to look at, and its DOM must hold the chapter's text and
figure.  `make check` builds the docs first and installs chromium
(scripts/deps.sh); so a missing browser is a failure, not a skip.

LIGEIRO_DOCS=dir points at another build's docs (default: build/docs);
the screenshots go to its sibling site/ directory.
"""
import html.parser
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import pytest

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "scripts"))
import bookpdf  # noqa: E402
DOCS = pathlib.Path(os.environ.get("LIGEIRO_DOCS", TOP / "build" / "docs"))
HTML = DOCS / "html"
SITE = DOCS.parent / "site"


class Page(html.parser.HTMLParser):
    """The links, resources, anchors and title of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.resources, self.ids = [], [], set()
        self.title, self._in_title = "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag in ("img", "script") and a.get("src"):
            self.resources.append(a["src"])
        elif tag == "object" and a.get("data"):
            self.resources.append(a["data"])
        elif tag == "link" and a.get("href"):
            self.resources.append(a["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


_pages = {}


def page(path):
    path = pathlib.Path(path).resolve()
    if path not in _pages:
        p = Page()
        p.feed(path.read_text(errors="replace"))
        _pages[path] = p
    return _pages[path]


def built_pages():
    if not (HTML / "index.html").exists():
        pytest.fail("no %s: run `make docs` first" % (HTML / "index.html"))
    return sorted(HTML.rglob("*.html"))


def internal(url):
    u = urllib.parse.urlsplit(url)
    return not u.scheme and not u.netloc and not url.startswith("//")


def chapters():
    """(chapter file, title, built page) for each book/NN-*.md."""
    return bookpdf.chapter_pages(HTML)


def test_every_internal_link_and_image_resolves():
    problems = []
    for f in built_pages():
        p = page(f)
        for url, kind in [(u, "link") for u in p.links] + \
                         [(u, "resource") for u in p.resources]:
            if not internal(url) or url.startswith("javascript:"):
                continue
            u = urllib.parse.urlsplit(url)
            target = (f.parent / urllib.parse.unquote(u.path)).resolve() \
                if u.path else f.resolve()
            rel = f.relative_to(HTML)
            if not target.exists():
                problems.append("%s: %s to missing %s" % (rel, kind, url))
            elif kind == "link" and u.fragment and target.suffix == ".html" \
                    and u.fragment not in page(target).ids:
                problems.append("%s: link to missing anchor %s"
                                % (rel, url))
    assert not problems, "%d broken:\n%s" % (len(problems),
                                             "\n".join(problems[:200]))


def test_every_chapter_page_is_titled_by_its_chapter():
    problems = []
    built_pages()
    for md, title, html_file in chapters():
        if title is None:
            problems.append("%s: no `# Title {#anchor}` line" % md)
        elif not html_file.exists():
            problems.append("%s: its page %s was not built"
                            % (md, html_file.name))
        else:
            plain = re.sub(r"[`*]", "", title)
            got = " ".join(page(html_file).title.split())
            if plain not in got:
                problems.append("%s: <title>%s</title> lacks %r"
                                % (md, got, plain))
    assert not problems, "\n".join(problems)


# What Doxygen leaves as text when its markdown breaks: a \\ref or a
# section command it did not parse, bold around a code span, a code span
# turned into an escaped <tt>.  `make docs` gives no warning for these.
LEAKS = re.compile(r"\\ref\s|@section\s|@subsection\s|&lt;tt&gt;|\*\*")


def test_no_markup_leaks_into_the_chapters():
    problems = []
    built_pages()
    for md, _, html_file in chapters():
        if html_file is None or not html_file.exists():
            continue
        text = html_file.read_text(errors="replace")
        # Code may hold ** (char **argv): only prose is searched.
        text = re.sub(r'<div class="fragment">.*?</div><!-- fragment -->|'
                      r"<pre>.*?</pre>", "", text, flags=re.S)
        for m in LEAKS.finditer(text):
            problems.append("%s (%s): %r" % (html_file.name, md,
                            text[max(0, m.start() - 60):m.end() + 20]))
    assert not problems, "%d leaks:\n%s" % (len(problems),
                                           "\n".join(problems[:50]))


def figure_page():
    """The first chapter page (in the book's order) with a figure: an
    image other than Doxygen's own logo, an <object> or an inline <svg>."""
    for _, _, f in chapters():
        if f is None or not f.exists():
            continue
        text = f.read_text(errors="replace")
        if re.search(r"<object\b|<svg\b", text) or any(
                "doxygen.svg" not in m and "class=\"footer\"" not in m
                for m in re.findall(r"<img\b[^>]*>", text)):
            return f
    return None


def chromium(*args):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium is not installed (scripts/deps.sh installs it)"
    with tempfile.TemporaryDirectory(prefix="ligeiro-chromium-") as profile:
        r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                            "--user-data-dir=" + profile,
                            "--hide-scrollbars"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.mark.parametrize("which", ["front", "figure"])
def test_chromium_renders_the_page(which):
    built_pages()
    f = HTML / "index.html" if which == "front" else figure_page()
    assert f is not None, "no chapter page has a figure"
    SITE.mkdir(parents=True, exist_ok=True)
    shot = SITE / ("%s.png" % which)
    if shot.exists():
        shot.unlink()
    url = f.resolve().as_uri()
    shot_url = url
    if which == "figure":
        # Open at the last section anchor above the figure, so that the
        # picture shows the figure, not only the chapter's first screen.
        text = f.read_text(errors="replace")
        fig = re.search(r"<object\b|<svg\b|<img\b(?![^>]*doxygen\.svg)",
                        text)
        ids = re.findall(r'<a class="anchor" id="([^"]+)"',
                         text[:fig.start()])
        if ids:
            shot_url = url + "#" + ids[-1]
    chromium("--screenshot=%s" % shot, "--window-size=1280,1600",
             "--virtual-time-budget=5000", shot_url)
    assert shot.exists() and shot.stat().st_size > 10000, \
        "no screenshot of %s" % f.name
    dom = chromium("--dump-dom", url)
    # The rendered DOM still holds the page's heading and its figure.
    heading = page(f).title.split(":", 1)[-1].strip()
    assert heading and heading in " ".join(dom.split()), \
        "%s: heading %r not rendered" % (f.name, heading)
    if which == "figure":
        assert re.search(r"<object\b|<svg\b|<img\b", dom)
