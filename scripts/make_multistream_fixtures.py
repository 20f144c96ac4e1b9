"""Writes the multistream fixture: Tests/Fixtures/wikipedia/sample.xml as Wikimedia writes a
pages-articles-multistream dump (one bzip2 stream for the header up to </siteinfo>, then streams of
PAGES_PER_STREAM pages, then one for </mediawiki>) and its index (lines OFFSET:PAGEID:TITLE, the byte
offset of the stream that holds the page, itself bzip2-compressed). Python's bz2 module does the
compression, independently of the Swift reader.

    python3 scripts/make_multistream_fixtures.py
    python3 scripts/make_multistream_fixtures.py --benchmark 150 /tmp/bench   # ~150 MB of XML, for timing

The benchmark dump repeats the sample's pages in namespace 1 (talk pages, which the extractor skips),
100 pages a stream, so `electra extract wikipedia` spends its time decoding and reading XML."""
import argparse
import bz2
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "wikipedia")
PAGES_PER_STREAM = 2


def split_dump(xml):
    """(header, pages, footer): the text before the first <page>, each '  <page>…</page>\\n', the rest."""
    starts = [m.start() for m in re.finditer(r"  <page>", xml)]
    header = xml[: starts[0]]
    pages = [xml[a:b] for a, b in zip(starts, starts[1:] + [xml.index("</mediawiki>")])]
    return header, pages, xml[xml.index("</mediawiki>"):]


def page_id_and_title(page):
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    page_id = re.search(r"<id>(\d+)</id>", page).group(1)
    # The index holds the title XML-unescaped, as Wikimedia writes it.
    title = title.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return page_id, title


def write_multistream(header, pages, footer, per_stream, dump_path, index_path):
    """Writes the dump stream by stream and its index; returns the XML's size in bytes."""
    index_lines = []
    xml_bytes = 0
    with open(dump_path + ".tmp", "wb") as dump:
        def stream(text):
            nonlocal xml_bytes
            data = text.encode("utf-8")
            xml_bytes += len(data)
            dump.write(bz2.compress(data, 9))

        stream(header)
        for first in range(0, len(pages), per_stream):
            offset = dump.tell()
            group = pages[first: first + per_stream]
            for page in group:
                page_id, title = page_id_and_title(page)
                index_lines.append(f"{offset}:{page_id}:{title}\n")
            stream("".join(group))
        stream(footer)
    os.replace(dump_path + ".tmp", dump_path)
    with open(index_path + ".tmp", "wb") as index:
        index.write(bz2.compress("".join(index_lines).encode("utf-8"), 9))
    os.replace(index_path + ".tmp", index_path)
    return xml_bytes


def benchmark_pages(pages, megabytes):
    """Copies of the sample's pages, renumbered, in namespace 1, until about `megabytes` MB."""
    out, size, n = [], 0, 0
    while size < megabytes * 1_000_000:
        page = pages[n % len(pages)]
        n += 1
        page = re.sub(r"<ns>\d+</ns>", "<ns>1</ns>", page, count=1)
        page = re.sub(r"<id>\d+</id>", f"<id>{n}</id>", page, count=1)
        page = re.sub(r"<title>(.*?)</title>", lambda m: f"<title>Talk:{m.group(1)} {n}</title>", page, count=1)
        out.append(page)
        size += len(page.encode("utf-8"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--benchmark", nargs=2, metavar=("MEGABYTES", "DIRECTORY"))
    args = parser.parse_args()
    with open(os.path.join(FIXTURES, "sample.xml"), encoding="utf-8") as f:
        header, pages, footer = split_dump(f.read())
    if args.benchmark:
        megabytes, directory = float(args.benchmark[0]), args.benchmark[1]
        os.makedirs(directory, exist_ok=True)
        dump = os.path.join(directory, "bench-pages-articles-multistream.xml.bz2")
        size = write_multistream(header, benchmark_pages(pages, megabytes), footer, 100, dump,
                                 os.path.join(directory, "bench-pages-articles-multistream-index.txt.bz2"))
        print(f"{dump}: {size / 1e6:.1f} MB of XML, {os.path.getsize(dump) / 1e6:.1f} MB compressed")
        return
    size = write_multistream(header, pages, footer, PAGES_PER_STREAM,
                             os.path.join(FIXTURES, "sample-pages-articles-multistream.xml.bz2"),
                             os.path.join(FIXTURES, "sample-pages-articles-multistream-index.txt.bz2"))
    print(f"wrote the multistream sample ({size} bytes of XML, {len(pages)} pages)")


if __name__ == "__main__":
    main()
