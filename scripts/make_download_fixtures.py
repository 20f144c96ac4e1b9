#!/usr/bin/env python3
"""Writes the fixtures of Tests/Fixtures/download with Python's standard library only (hashlib, bz2).

    python3 scripts/make_download_fixtures.py

Files:

- digests.json: MD5 and SHA-1 (hashlib) of fixed inputs: byte i of an input of length n is
  (31 * i + 7) % 251, for lengths around the 55/56/64-byte padding boundaries, several blocks and odd
  sizes; and of two texts.
- A dump mirror for the download tests, laid out as dumps.wikimedia.org is, holding the test dump
  Tests/Fixtures/wikipedia/sample.xml:
  mirror/enwiki/20260101/enwiki-20260101-pages-articles.xml.bz2 (one bzip2 stream),
  enwiki-20260101-pages-articles-multistream.xml.bz2 (the site header, then pages two per stream, then
  the closing tag, each its own stream) with its -index.txt.bz2 ("offset:page id:title" per page,
  offset of the stream holding it), and the checksum lists enwiki-20260101-md5sums.txt and
  -sha1sums.txt ("HEX  filename" per line, as the dump site writes them, with an unrelated file
  listed too); mirror/enwiki/latest/enwiki-latest-md5sums.txt and -sha1sums.txt copy the dated lists
  (which name the dated files), as the site's latest/ directory does.
"""

import bz2
import hashlib
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")
HERE = os.path.join(ROOT, "download")
DATE = "20260101"
LENGTHS = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4095, 65537]
TEXTS = ["abc", "The quick brown fox jumps over the lazy dog"]


def pattern(length):
    return bytes((31 * i + 7) % 251 for i in range(length))


def digests():
    vectors = [dict(length=n, md5=hashlib.md5(pattern(n)).hexdigest(), sha1=hashlib.sha1(pattern(n)).hexdigest())
               for n in LENGTHS]
    texts = [dict(text=t, md5=hashlib.md5(t.encode()).hexdigest(), sha1=hashlib.sha1(t.encode()).hexdigest())
             for t in TEXTS]
    return dict(pattern="byte i of an input of length n is (31 * i + 7) % 251", vectors=vectors, texts=texts,
                python=sys.version.split()[0])


def multistream(xml):
    """The dump as Wikipedia's multistream variant: header, pages two per stream, footer; and the index."""
    pages = [m for m in re.finditer(r"  <page>.*?</page>\n", xml, re.S)]
    header, footer = xml[:pages[0].start()], xml[pages[-1].end():]
    chunks, index, offset = [bz2.compress(header.encode(), 9)], [], 0
    offset += len(chunks[0])
    for start in range(0, len(pages), 2):
        group = pages[start:start + 2]
        for page in group:
            text = page.group(0)
            page_id = re.search(r"<id>(\d+)</id>", text).group(1)
            title = re.search(r"<title>(.*?)</title>", text).group(1)
            index.append(f"{offset}:{page_id}:{title}\n")
        chunk = bz2.compress("".join(p.group(0) for p in group).encode(), 9)
        chunks.append(chunk)
        offset += len(chunk)
    chunks.append(bz2.compress(footer.encode(), 9))
    return b"".join(chunks), bz2.compress("".join(index).encode(), 9)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    with open(os.path.join(HERE, "digests.json"), "w") as f:
        json.dump(digests(), f, indent=1)
        f.write("\n")
    with open(os.path.join(ROOT, "wikipedia", "sample.xml"), encoding="utf-8") as f:
        xml = f.read()
    stream, index = multistream(xml)
    files = {
        f"enwiki-{DATE}-pages-articles.xml.bz2": bz2.compress(xml.encode(), 9),
        f"enwiki-{DATE}-pages-articles-multistream.xml.bz2": stream,
        f"enwiki-{DATE}-pages-articles-multistream-index.txt.bz2": index,
        f"enwiki-{DATE}-siteinfo-namespaces.json.gz": b"not part of the tests\n",
    }
    dated = os.path.join(HERE, "mirror", "enwiki", DATE)
    for name, data in files.items():
        if not name.endswith(".json.gz"):
            write(os.path.join(dated, name), data)
    for algorithm in ("md5", "sha1"):
        listing = "".join(f"{hashlib.new(algorithm, data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
        write(os.path.join(dated, f"enwiki-{DATE}-{algorithm}sums.txt"), listing.encode())
        write(os.path.join(HERE, "mirror", "enwiki", "latest", f"enwiki-latest-{algorithm}sums.txt"), listing.encode())


if __name__ == "__main__":
    main()
