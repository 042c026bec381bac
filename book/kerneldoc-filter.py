#!/usr/bin/env python3
"""kerneldoc-filter.py - let Doxygen read kernel-doc comments.

The module in hv/ is Linux kernel code, and kernel code documents itself
in kernel-doc (Documentation/doc-guide/kernel-doc.rst in the kernel tree):

    /**
     * lg_run() - run the guest until it needs the launcher
     * @vm: the VM
     * Return: 0 or a negative errno.
     */

Doxygen reads "@vm" as an unknown command and warns, and the book's build
treats every warning as an error.  Rather than make the kernel code adopt a
foreign comment style, the Doxyfile passes every .c, .h and .S file through
this filter, which rewrites kernel-doc into Doxygen inside "/**" comments
only:

    first line "name() - text"      ->  "\\brief text"
    "@arg: text" in a function doc  ->  "\\param arg text"
    "@member: text" anywhere else   ->  "- \\c member: text"  (a list)
    "@arg" inside a sentence        ->  "\\p arg"  (see DOXYGEN_COMMANDS)
    "Return: text"                  ->  "\\return text"
    "&struct foo"                   ->  "struct foo"  (Doxygen links it)

A "function doc" is one whose first line names "something()", as the
kernel-doc rules ask.  Doxygen then checks each \\param against the real
parameter list, so a misspelt or stale parameter name is a build error,
which is what we want.  The common Doxygen commands ("@param", "@ref",
"@brief", ...) pass through unchanged, so Doxygen-style comments keep
working; "\\cmd" spellings are never touched.

The filter never adds or removes a line: Doxygen's line numbers and the
source listings (which show the unfiltered file) stay in step.

Usage (Doxygen calls it this way): kerneldoc-filter.py FILE
"""
import re
import sys

# In running text, "@word" is a kernel-doc reference to a parameter, and the
# filter turns it into "\\p word".  The exceptions are the Doxygen commands a
# Doxygen-style comment is likely to spell with "@" and that no one names a
# parameter.  Commands that are also plausible parameter names (file, line,
# name, image, a, b, c, n, p, ...) are deliberately missing: this is kernel
# code, and "@file" in a kernel-doc comment means the parameter "file".
DOXYGEN_COMMANDS = set("""
brief details param tparam return returns retval ref see sa note warning
attention remark remarks todo deprecated since pre post invariant code
endcode verbatim endverbatim copydoc snippet li
""".split())

# " * name() - text", " * struct foo - text", " * FOO - text" (first line)
FIRST_LINE = re.compile(
    r"^(\s*\*?\s*)(?:(?:struct|union|enum|typedef)\s+)?"
    r"[A-Za-z_]\w*(\(\))?\s+-\s+(.*)$")
# " * @name: text" or " * @...: text"
ARG_LINE = re.compile(r"^(\s*\*\s*)@(\w+|\.\.\.)\s*:\s?(.*)$")
# "@name" in running text (not an e-mail address, not "@@")
INLINE_AT = re.compile(r"(?<![\w.@\\])@(\w+)")
RETURN_LINE = re.compile(r"^(\s*\*\s*)Returns?:\s?(.*)$")
DOC_OPEN = re.compile(r"/\*\*(?!/)")
AMP_TYPE = re.compile(r"&(struct|union|enum|typedef)\s+(\w+)")


def inline(text):
    """Rewrite '@arg' references and '&struct x' inside one comment line."""
    def at(m):
        if m.group(1) in DOXYGEN_COMMANDS:
            return m.group(0)
        return "\\p " + m.group(1)
    return AMP_TYPE.sub(r"\1 \2", INLINE_AT.sub(at, text))


def rewrite_block(lines):
    """Rewrite one '/**' comment, given as a list of lines (with newlines)."""
    out = []
    is_function = False
    first_text_seen = False
    for i, line in enumerate(lines):
        body = line.rstrip("\n")
        nl = line[len(body):]
        if i == 0:
            # "/**" may carry text on the same line: "/** foo() - bar"
            head, rest = body[:3], body[3:]
            if rest.strip() and not rest.strip().startswith("*/"):
                first_text_seen = True
                m = FIRST_LINE.match(rest)
                if m:
                    is_function = bool(m.group(2))
                    rest = m.group(1) + "\\brief " + m.group(3)
            out.append(head + inline(rest) + nl)
            continue
        if not first_text_seen and body.strip() not in ("", "*"):
            first_text_seen = True
            m = FIRST_LINE.match(body)
            if m and "*/" not in m.group(3):
                is_function = bool(m.group(2))
                out.append(m.group(1) + "\\brief " + inline(m.group(3)) + nl)
                continue
        m = ARG_LINE.match(body)
        if m:
            prefix, name, text = m.groups()
            if is_function:
                out.append(f"{prefix}\\param {name} {inline(text)}{nl}")
            else:
                out.append(f"{prefix}- \\c {name}: {inline(text)}{nl}")
            continue
        m = RETURN_LINE.match(body)
        if m:
            out.append(f"{m.group(1)}\\return {inline(m.group(2))}{nl}")
            continue
        out.append(inline(body) + nl)
    return out


def filter_text(lines):
    """Rewrite every '/**' comment of a file; leave everything else alone."""
    out = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        # "/**/" is an empty ordinary comment, not a doc comment.
        m = DOC_OPEN.search(line)
        start = m.start() if m else -1
        if start < 0:
            out.append(line)
            i += 1
            continue
        # A one-line doc comment: "/** text */" - only the inline rules.
        if "*/" in line[start + 3:]:
            out.append(line[:start] + inline(line[start:]))
            i += 1
            continue
        j = i
        while j < n and (j == i or "*/" not in lines[j]):
            j += 1
        block = lines[i:j + 1]
        # Keep any code before "/**" on the first line untouched.
        pre = line[:start]
        block[0] = line[start:]
        rewritten = rewrite_block(block)
        rewritten[0] = pre + rewritten[0]
        out.extend(rewritten)
        i = j + 1
    return out


# --- Assembly -------------------------------------------------------------
#
# Doxygen has no assembler parser; the Doxyfile hands *.S files to the C
# parser.  Fed raw assembly, that parser glues directives such as
# ".section .text, "ax"" onto the next symbol's declaration.  So for a .S
# file the filter hands Doxygen only what C can express, line for line:
#
#   SYM_CODE_START(x), SYM_FUNC_START(x), ENTRY(x)  ->  "void x(void) {"
#   SYM_..._START_LOCAL(x)                          ->  "static void x(void) {"
#   SYM_..._END(x), END(x), ENDPROC(x)              ->  "}"
#   SYM_DATA_START(x) / SYM_DATA(x, ...)            ->  "extern char x[];"
#   "x:" where x is .globl/.global in this file    ->  "void x(void);"
#   preprocessor lines and comments                 ->  kept as they are
#   every other line                                ->  emptied
#
# A "/**" comment in front of an entry point therefore documents it, and
# the book can \ref it.  The source listing still shows the real file.

SYM_START = re.compile(
    r"^\s*(?:SYM_(?:CODE|FUNC|TYPED_FUNC)_START(_LOCAL)?(?:_NOALIGN|_WEAK)?"
    r"|(ENTRY))\(\s*(\w+)")
SYM_END = re.compile(r"^\s*(?:SYM_(?:CODE|FUNC|TYPED_FUNC)_END|END|ENDPROC)\(")
SYM_DATA = re.compile(r"^\s*SYM_DATA(?:_START)?(_LOCAL)?\(\s*(\w+)")
GLOBL = re.compile(r"^\s*\.glob(?:a)?l\s+(\w+)")
LABEL = re.compile(r"^([A-Za-z_]\w*):")
CPP = re.compile(r"^\s*#\s*(?:include|define|undef|if|ifdef|ifndef|elif|"
                 r"else|endif|error|warning|pragma)\b")


def comments_only(line, in_comment):
    """Return (the C comments of one line, still inside a comment?)."""
    out = []
    i = 0
    n = len(line)
    while i < n:
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                out.append(line[i:].rstrip("\n"))
                i = n
            else:
                out.append(line[i:j + 2])
                i = j + 2
                in_comment = False
        else:
            j = line.find("/*", i)
            if j < 0:
                break
            out.append(" " if out else "")
            out.append("/*")
            i = j + 2
            in_comment = True
    return "".join(out), in_comment


def filter_asm(lines):
    """Reduce an assembly file to C declarations and comments."""
    globls = {m.group(1) for m in map(GLOBL.match, lines) if m}
    out = []
    in_comment = False
    depth = 0
    continued = False
    for line in lines:
        nl = "\n" if line.endswith("\n") else ""
        if in_comment:
            kept, in_comment = comments_only(line, True)
            out.append(kept + nl)
            continue
        if continued or CPP.match(line):
            out.append(line)
            continued = line.rstrip("\n").endswith("\\")
            continue
        decl = ""
        m = SYM_START.match(line)
        if m:
            static = "static " if m.group(1) else ""
            decl = f"{static}void {m.group(3)}(void) {{"
            depth += 1
        elif SYM_END.match(line):
            if depth:
                decl = "}"
                depth -= 1
        elif SYM_DATA.match(line):
            m = SYM_DATA.match(line)
            decl = ("static " if m.group(1) else "extern ") + f"char {m.group(2)}[];"
        elif depth == 0 and LABEL.match(line) and LABEL.match(line).group(1) in globls:
            decl = f"void {LABEL.match(line).group(1)}(void);"
        kept, in_comment = comments_only(line, False)
        out.append((decl + " " + kept).strip() + nl if decl else kept + nl)
    if depth and out:
        # An entry point without its END: close it on the last line.
        last = out[-1].rstrip("\n")
        out[-1] = last + " }" * depth + ("\n" if out[-1].endswith("\n") else "")
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: kerneldoc-filter.py FILE\n")
        return 2
    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
        lines = f.readlines()
    try:
        out = filter_asm(lines) if sys.argv[1].endswith(".S") else lines
        out = filter_text(out)
        if len(out) != len(lines):
            raise AssertionError("the filter must keep line numbers")
    except Exception:
        # Doxygen ignores a filter's exit status, so a crash here would
        # silently drop the file's documentation.  Instead, hand Doxygen the
        # file unchanged, with a bogus \\file command in front of its first
        # line: Doxygen warns about it at "FILE:1", and the warning fails
        # the build.  (A comment after the last line would be dropped
        # without a warning.)
        import traceback
        traceback.print_exc()
        out = list(lines) or [""]
        out[0] = "/** \\file \\kerneldoc_filter_failed */ " + out[0]
    sys.stdout.buffer.write("".join(out).encode("utf-8", "surrogateescape"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
