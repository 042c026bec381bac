#!/usr/bin/env python3
"""bookpdf.py - the book as one PDF, from the pages `make docs` built.

`make book-pdf` runs it.  It takes each chapter's page from Doxygen's HTML
in the book's order (book/NN-*.md: 00 ... 16, then the appendices 90 ...
99), keeps only the page's contents, and joins them into one HTML file
with a table of contents in front.  Links between chapters become links
inside the document; links into the API reference (struct and file pages)
become plain text, since the PDF does not contain it; figures are pointed
at the files in the HTML directory.  Headless Chromium prints the result,
and pdfinfo (poppler-utils) tells the page count.

Usage: scripts/bookpdf.py HTMLDIR OUT.pdf    (HTMLDIR: build/docs/html)
"""
import html
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

TOP = pathlib.Path(__file__).resolve().parent.parent

CSS = """
@page { size: A4; margin: 20mm 18mm 20mm 18mm; }
body { font-family: "DejaVu Serif", Georgia, serif; font-size: 10.5pt;
       line-height: 1.4; color: #000; }
h1.chapter { font-size: 22pt; margin: 0 0 14pt 0; page-break-before: always;
             border-bottom: 1px solid #888; padding-bottom: 4pt; }
h1, h2, h3, h4 { font-family: "DejaVu Sans", Helvetica, sans-serif;
                 page-break-after: avoid; }
.contents h1 { font-size: 15pt; margin-top: 18pt; }
.contents h2 { font-size: 12.5pt; margin-top: 14pt; }
.contents h3 { font-size: 11pt; }
a { color: #1a3e8a; text-decoration: none; }
code, tt, .fragment { font-family: "DejaVu Sans Mono", monospace;
                      font-size: 8.8pt; }
div.fragment { background: #f6f6f6; border: 1px solid #ddd;
               padding: 4pt 6pt; margin: 6pt 0; page-break-inside: avoid;
               white-space: pre-wrap; }
div.fragment div.line { white-space: pre-wrap; }
pre { white-space: pre-wrap; font-size: 8.8pt; }
table.markdownTable { border-collapse: collapse; margin: 6pt 0;
                      font-size: 9pt; page-break-inside: avoid; }
table.markdownTable td, table.markdownTable th {
    border: 1px solid #aaa; padding: 2pt 5pt; vertical-align: top; }
table.markdownTable th { background: #eee; }
div.image { text-align: center; margin: 10pt 0; page-break-inside: avoid; }
div.image img { max-width: 100%; }
div.caption { font-style: italic; font-size: 9pt; }
div.toc, .contents > div.toc { display: none; }
#book-title { text-align: center; margin-top: 70mm; }
#book-title h1 { font-size: 34pt; margin: 0; }
#book-title p { font-size: 14pt; }
#toc { page-break-before: always; }
#toc h1 { font-size: 20pt; }
#toc ol { list-style: none; padding-left: 0; }
#toc ol ol { padding-left: 16pt; font-size: 9.5pt; }
#toc li.chapter { margin-top: 5pt; font-weight: bold; }
#toc li.chapter li { font-weight: normal; }
dl.section { margin: 6pt 0; }
"""


def chapter_pages(htmldir):
    """(chapter file name, title, page file) of each book/NN-*.md, in the
    book's order: the page is named by its `# Title {#anchor}`, 00 is the
    main page; title and page are None for a chapter without that line.
    tests/test_site.py uses this too."""
    out = []
    for md in sorted((TOP / "book").glob("[0-9][0-9]-*.md")):
        for line in md.read_text().splitlines():
            m = re.match(r"^#\s+(.*?)\s*\{#([\w-]+)\}\s*$", line)
            if m:
                name = "index.html" if md.name.startswith("00-") \
                    else m.group(2) + ".html"
                out.append((md.name, m.group(1), htmldir / name))
                break
        else:
            out.append((md.name, None, None))
    return out


def balanced_div(text, start):
    """The <div ...>...</div> that opens at start, nested divs included."""
    depth = 0
    for m in re.compile(r"<div\b|</div>").finditer(text, start):
        depth += 1 if m.group(0) == "<div" else -1
        if depth == 0:
            return text[start:m.end()]
    raise ValueError("unbalanced <div> at %d" % start)


def extract(page):
    text = page.read_text(errors="replace")
    t = re.search(r'<div class="title">(.*?)</div>', text, re.S)
    title = re.sub(r"<[^>]+>", "", t.group(1)).strip() if t else page.stem
    i = text.index('<div class="contents">')
    return html.unescape(title), balanced_div(text, i)


def build_html(htmldir):
    htmldir = pathlib.Path(htmldir).resolve()
    chapters = [(n[:2], t, p) for n, t, p in chapter_pages(htmldir)
                if p and p.exists()]
    in_book = {p.name: "p-" + p.stem for _, _, p in chapters}

    def fix(body, key):
        def href(m):
            url = html.unescape(m.group(2))
            if re.match(r"^[a-z]+:", url):
                return m.group(0)
            page, _, frag = url.partition("#")
            target = in_book.get(page) if page else key
            if target is None:
                return m.group(1) + 'data-ref="%s"' % html.escape(url)
            return m.group(1) + 'href="#%s"' % (
                target + "--" + frag if frag else target)

        body = re.sub(r'(<a\b[^>]*?)href="([^"]*)"', href, body)
        # An anchor to a page outside the book is plain text now.
        body = re.sub(r'<a\b([^>]*)data-ref="[^"]*"([^>]*)>(.*?)</a>',
                      r"<span\1\2>\3</span>", body, flags=re.S)
        body = re.sub(r'\b(id|name)="([^"]*)"',
                      lambda m: '%s="%s--%s"' % (m.group(1), key,
                                                 m.group(2)), body)
        # Figures: an <object> of an SVG prints best as an <img>; both
        # are pointed at the HTML directory.
        body = re.sub(r'<object\b[^>]*\bdata="([^"]*)"[^>]*>.*?</object>',
                      r'<img src="\1"/>', body, flags=re.S)
        body = re.sub(r'(<img\b[^>]*?)src="([^":]*)"',
                      lambda m: '%ssrc="%s"' % (
                          m.group(1), (htmldir / m.group(2)).as_uri()), body)
        return body

    toc, parts = [], []
    for num, _, page in chapters:
        key = in_book[page.name]
        title, body = extract(page)
        label = title if int(num) < 90 else "Appendix: " + title
        if int(num) < 90:
            label = "%d. %s" % (int(num), title)
        body = fix(body, key)
        # The sections (Doxygen makes a chapter's ## into <h1>).
        secs = re.findall(r'<h1[^>]*>\s*<a[^>]*id="([^"]*)"[^>]*>\s*</a>'
                          r'\s*(.*?)</h1>', body, re.S)
        sub = "".join('<li><a href="#%s">%s</a></li>'
                      % (i, re.sub(r"<[^>]+>", "", s).strip())
                      for i, s in secs)
        toc.append('<li class="chapter"><a href="#%s">%s</a>%s</li>'
                   % (key, html.escape(label),
                      "<ol>%s</ol>" % sub if sub else ""))
        parts.append('<section><h1 class="chapter" id="%s">%s</h1>%s'
                     '</section>' % (key, html.escape(label), body))
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            "<title>ligeiro: the book</title><style>%s</style></head><body>"
            '<div id="book-title"><h1>ligeiro</h1>'
            "<p>a small teaching hypervisor</p></div>"
            '<nav id="toc"><h1>Contents</h1><ol>%s</ol></nav>%s'
            "</body></html>\n" % (CSS, "".join(toc), "".join(parts)))


def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("bookpdf: no chromium (scripts/deps.sh installs it)")
    return exe


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: bookpdf.py HTMLDIR OUT.pdf")
    htmldir, out = pathlib.Path(argv[0]), pathlib.Path(argv[1]).resolve()
    if not (htmldir / "index.html").exists():
        sys.exit("bookpdf: no %s/index.html: run make docs" % htmldir)
    out.parent.mkdir(parents=True, exist_ok=True)
    src = out.with_suffix(".html")
    src.write_text(build_html(htmldir))
    with tempfile.TemporaryDirectory(prefix="ligeiro-pdf-") as profile:
        r = subprocess.run([chromium(), "--headless", "--no-sandbox",
                            "--disable-gpu", "--user-data-dir=" + profile,
                            "--no-pdf-header-footer",
                            "--print-to-pdf-no-header",
                            "--virtual-time-budget=20000",
                            "--print-to-pdf=%s" % out, src.as_uri()],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=600)
    if r.returncode != 0 or not out.exists():
        sys.exit("bookpdf: chromium failed:\n" + r.stderr[-3000:])
    pages = "?"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], stdout=subprocess.PIPE,
                              text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        pages = m.group(1) if m else "?"
    print("bookpdf: %s, %s pages (from %s)" % (out, pages, src))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
