#!/usr/bin/env python3
"""Where a built site's bytes go: by page family, and inside pages by markup kind.

    python3 benches/bytes.py PUBLIC_DIR [--kinds]

Families are told apart by path. With --kinds, document, entity and source pages
are also broken down by what their bytes are: the head, the site chrome, related
passages, mention links, pilcrows, footnotes, code blocks, mention lists,
whitespace between tags… Each kind is counted once (the first pattern that claims
a byte wins), and the rest is "other" (mostly the text itself).
"""

import os
import re
import sys
from collections import defaultdict


def family(rel):
    parts = rel.split("/")
    if rel == "index.html":
        return "home index.html"
    if rel.endswith(".json") or rel.endswith(".xml") or len(parts) == 1:
        return rel if len(parts) == 1 else "other files"
    top = parts[0]
    if top in ("entities", "sources"):
        return f"{top}/index.html" if len(parts) == 2 else f"{top} pages"
    if top in ("annotations", "timeline", "search"):
        return f"{top}/"
    if top.startswith("doc-") or (len(parts) == 2 and parts[1] == "index.html"):
        return "document pages"
    return "other files"


# Markup kinds, in the order they claim bytes.
KINDS = [
    ("head", re.compile(rb"<!DOCTYPE.*?</head>", re.S)),
    ("site header", re.compile(rb"<body[^>]*>.*?</header>", re.S)),
    ("site footer", re.compile(rb"</main>.*", re.S)),
    ("related passages", re.compile(rb"<details class=\"rel(?:ated)?\".*?</details>", re.S)),
    ("cite this document", re.compile(rb"<section class=\"cite-document\".*?</section>", re.S)),
    ("footnotes section", re.compile(rb"<section class=\"footnotes\".*?</section>", re.S)),
    ("outline", re.compile(rb"<nav class=\"outline\".*?</nav>", re.S)),
    ("graph svg", re.compile(rb"<svg.*?</svg>", re.S)),
    ("code blocks", re.compile(rb"<pre class=\"code.*?</pre>", re.S)),
    ("mention lists (kwic)", re.compile(rb"<ul class=\"kwic\".*?</ul>", re.S)),
    ("mention tags", re.compile(rb"<a class=\"(?:mention|m)[^\"]*\"[^>]*>|(?<=<a class=\"m)</a>")),
    ("pilcrows", re.compile(rb"<a class=\"pilcrow\"[^>]*></a>")),
    ("fn refs", re.compile(rb"<sup><a [^>]*role=\"doc-noteref\".*?</sup>")),
    ("citation tags", re.compile(rb"<a class=\"cite\"[^>]*>")),
    ("block tags", re.compile(rb"<(?:p|li|h[1-6]|div)(?: [^>]*)?>|</(?:p|li|h[1-6]|div)>")),
    ("whitespace between tags", re.compile(rb">\s+<")),
]


def breakdown(text, totals):
    claimed = bytearray(len(text))
    for name, pattern in KINDS:
        n = 0
        for m in pattern.finditer(text):
            s, e = m.span()
            if name == "whitespace between tags":
                s, e = s + 1, e - 1
            free = e - s - sum(claimed[s:e])
            if free <= 0:
                continue
            n += free
            claimed[s:e] = b"\x01" * (e - s)
        totals[name] += n
    totals["other (text, inline markup)"] += len(text) - sum(claimed)


def main():
    root = sys.argv[1]
    kinds = "--kinds" in sys.argv
    sizes = defaultdict(int)
    counts = defaultdict(int)
    biggest = defaultdict(lambda: (0, ""))
    inner = defaultdict(lambda: defaultdict(int))
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            size = os.path.getsize(path)
            fam = family(rel)
            sizes[fam] += size
            counts[fam] += 1
            if size > biggest[fam][0]:
                biggest[fam] = (size, rel)
            if kinds and fam in ("document pages", "entities pages", "sources pages"):
                with open(path, "rb") as fh:
                    breakdown(fh.read(), inner[fam])
    total = sum(sizes.values())
    print(f"{'family':28} {'files':>7} {'MB':>9} {'avg KB':>8} {'max KB':>8}")
    for fam in sorted(sizes, key=lambda f: -sizes[f]):
        print(f"{fam:28} {counts[fam]:7} {sizes[fam] / 1e6:9.2f} {sizes[fam] / counts[fam] / 1e3:8.1f} {biggest[fam][0] / 1e3:8.1f}")
    print(f"{'total':28} {sum(counts.values()):7} {total / 1e6:9.2f}")
    for fam, totals in inner.items():
        print(f"\n{fam}: by markup kind (share of the family's characters)")
        all_ = sum(totals.values())
        for name, n in sorted(totals.items(), key=lambda kv: -kv[1]):
            print(f"  {name:30} {n / 1e6:8.2f} MB {100 * n / all_:5.1f} %  {n / counts[fam] / 1e3:6.1f} KB/page")


if __name__ == "__main__":
    main()
