"""Just enough PDF text extraction to read WeasyPrint's output back (no PDF library installed).

Each text run (`[<0036>0<004c>...] TJ`) is decoded with every ToUnicode CMap in the file;
a run is in one font, so its own CMap gives the real text and the others give '?'s.
"""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
TRIPLE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
RUN = re.compile(rb"\[(.*?)\]\s*TJ", re.S)
GLYPHS = re.compile(rb"<([0-9a-fA-F]+)>")


def streams(pdf):
    for match in STREAM.finditer(pdf):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            yield match.group(1)


def _cmaps(streams):
    for data in streams:
        if b"begincmap" not in data:
            continue
        mapping = {}
        for block in BFCHAR.findall(data):
            for code, text in PAIR.findall(block):
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        for block in BFRANGE.findall(data):
            for start, end, text in TRIPLE.findall(block):
                base = ord(bytes.fromhex(text.decode()).decode("utf-16-be"))
                for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                    mapping[code] = chr(base + offset)
        yield mapping


def text_runs(pdf):
    """Every text run decoded with every CMap: a list of strings to search in."""
    decoded = list(streams(pdf))
    cmaps = list(_cmaps(decoded))
    runs = []
    for data in decoded:
        for run in RUN.findall(data):
            hexes = [g.decode() for g in GLYPHS.findall(run)]
            codes = [int(h[i:i + 4], 16) for h in hexes for i in range(0, len(h), 4)]
            for mapping in cmaps:
                runs.append("".join(mapping.get(code, "?") for code in codes))
    return runs


def contains_text(pdf, text):
    return any(text in run for run in text_runs(pdf))
