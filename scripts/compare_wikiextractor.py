#!/usr/bin/env python3
"""Compares `electra extract wikipedia` with WikiExtractor (the tool NVIDIA's scripts use) on one dump:
word-level agreement per article and throughput, side by side on the same cores.

    python3 -m venv /tmp/wxenv && /tmp/wxenv/bin/pip install wikiextractor
    scripts/build.sh
    /tmp/wxenv/bin/python scripts/compare_wikiextractor.py DUMP.xml [--repeat N] [--processes P]

--repeat N writes a larger dump of the given one's pages repeated N times (new ids) and measures on
that: a throughput figure on a made-up dump, for when no real dump is at hand.

Agreement: each electra article is paired with the WikiExtractor document sharing most words among
the next few in dump order; the
score is the F1 of their word multisets (lower-cased \\w+ runs; WikiExtractor's title line and HTML
escaping removed). WikiExtractor keeps disambiguation pages and pages left empty, which electra drops:
they are counted apart.
"""

import argparse
import collections
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def words(text):
    return collections.Counter(re.findall(r"\w+", text.lower()))


def f1(a, b):
    common = sum((a & b).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def wikiextractor_docs(directory):
    docs = []
    for root, _, files in sorted(os.walk(directory)):
        for name in sorted(files):
            with open(os.path.join(root, name), encoding="utf-8") as f:
                for match in re.finditer(r'<doc [^>]*title="([^"]*)">\n(.*?)</doc>', f.read(), re.S):
                    body = match.group(2).split("\n", 1)[1] if "\n" in match.group(2) else ""
                    docs.append((html.unescape(match.group(1)), html.unescape(body)))
    return docs


def electra_docs(directory):
    docs = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            docs += [d for d in f.read().split("\n\n\n") if d.strip()]
    return docs


def repeated_dump(dump, count, path):
    with open(dump, encoding="utf-8") as f:
        xml = f.read()
    head, rest = xml.split("<page>", 1)
    pages = "<page>" + rest.rsplit("</mediawiki>", 1)[0]
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for k in range(count):
            out.write(re.sub(r"<id>(\d+)</id>", lambda m: "<id>%d</id>" % (int(m.group(1)) + 1000000 * (k + 1)), pages))
        out.write("</mediawiki>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump")
    parser.add_argument("--repeat", type=int, default=0)
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--electra", default=os.path.join(ROOT, ".build", "release", "electra"))
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="compare-wikiextractor-")
    try:
        dump = args.dump
        if args.repeat:
            dump = os.path.join(scratch, "repeated.xml")
            repeated_dump(args.dump, args.repeat, dump)
        size = os.path.getsize(dump)

        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "wikiextractor.WikiExtractor", dump, "-o", os.path.join(scratch, "we"),
                        "--processes", str(args.processes), "-q"], check=True)
        we_seconds = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([args.electra, "extract", "wikipedia", dump, "--output", os.path.join(scratch, "electra"),
                        "--threads", str(args.processes)], check=True, stdout=subprocess.DEVNULL)
        electra_seconds = time.perf_counter() - start

        theirs = wikiextractor_docs(os.path.join(scratch, "we"))
        ours = electra_docs(os.path.join(scratch, "electra"))
        their_words = [words(body) for _, body in theirs]
        # Both keep dump order: pair each article with the best of WikiExtractor's next few documents.
        scores, used, position = [], set(), 0
        for doc in ours:
            mine = words(doc)
            window = range(position, min(len(theirs), position + 4))
            best = max(window, key=lambda i: sum((mine & their_words[i]).values()))
            used.add(best)
            position = best + 1
            scores.append(f1(mine, their_words[best]))
        unmatched = [title for i, (title, body) in enumerate(theirs) if i not in used]
        print("dump                %s (%.2f MB%s)" % (args.dump, size / 1e6, ", repeated %d times" % args.repeat if args.repeat else ""))
        print("articles            electra %d, WikiExtractor %d (%d kept only by WikiExtractor: %s)"
              % (len(ours), len(theirs), len(unmatched), ", ".join(sorted(set(unmatched))[:5])))
        if scores:
            print("word agreement (F1) mean %.4f, min %.4f over %d articles" % (sum(scores) / len(scores), min(scores), len(scores)))
        print("throughput          electra %.2f MB/s (%.2f s), WikiExtractor %.2f MB/s (%.2f s), %d processes/threads: %.1fx"
              % (size / electra_seconds / 1e6, electra_seconds, size / we_seconds / 1e6, we_seconds, args.processes,
                 we_seconds / electra_seconds))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
