"""Mutations of seed bytes. Each mutation takes a ``random.Random`` and returns new bytes, so a
fuzz input is fully described by ``(seed index, [(mutation name, rng seed), ...])`` and can be
replayed; hypothesis draws exactly that (and shrinks it by dropping mutations).
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable

#: Byte strings worth inserting anywhere: BOMs, NUL, surrogate escapes, huge numbers, deep
#: nesting, long lines, odd line ends, broken UTF-8 ...
TOKENS: tuple[bytes, ...] = (
    b"\xef\xbb\xbf",
    b"\xfe\xff",
    b"\xff\xfe",
    b"\x00",
    b"\x00\x00\x00",
    b"\\u0000",
    b"\\ud800",
    b"\\udfff",
    b'"\\ud83d"',
    b'"\\udc00\\ud800"',
    b"\xed\xa0\x80",  # a UTF-8 encoded surrogate (invalid)
    b"\xc3",  # a cut UTF-8 sequence
    b"\xff",
    b"\xc2\x85",  # NEL
    b"\xe2\x80\xa8",  # LINE SEPARATOR
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\x1a",
    b"\x07",
    b"\\u0007",
    b"9" * 5000,
    b"-" + b"9" * 400,
    b"1e999",
    b"-1e-999",
    b"NaN",
    b"Infinity",
    b"-0",
    b"[" * 1000 + b"]" * 1000,
    b'{"a":' * 600 + b"1" + b"}" * 600,
    b"[" * 3000,
    b"a" * 100_000,
    b'"' + b"x" * 70_000 + b'"',
    b'"',
    b",",
    b"\t",
    b"\\",
    b"{}",
    b"[]",
    b"null",
    b'{"messages":[]}',
    b'{"role":"system","content":"\\u0007"}',
    b"<|endoftext|>",
    b"{customer_name}",
    b"\xe2\x80\x8b",  # zero-width space
    b"\xef\xbf\xbd",  # replacement character
    b"\xc3\xa9",
    b"\xc3\x83\xc2\xa9",  # mojibake of e-acute
)


#: Values a structural mutation puts where a string (or anything) was.
def _odd_values(rng: random.Random) -> object:
    choices: list[Callable[[], object]] = [
        lambda: None,
        lambda: True,
        lambda: 0,
        lambda: -1,
        lambda: 10 ** rng.choice([20, 300, 4300, 5000]),
        lambda: 1e308,
        lambda: 0.1,
        lambda: [],
        lambda: {},
        lambda: ["a", ["b"]],
        lambda: {"role": "user", "content": "x"},
        lambda: [{"from": "human", "value": ["nested"]}],
        lambda: "",
        lambda: " ",
        lambda: "\u0007",
        lambda: "\ud800",
        lambda: "\x00",
        lambda: "x" * rng.choice([10, 5000, 70_000]),
        lambda: "<|im_start|>",
        lambda: "user",
        lambda: "assistant",
        lambda: "system",
        lambda: "tool",
        lambda: _deep(rng.choice([50, 200, 1000])),
    ]
    return rng.choice(choices)()


def _deep(depth: int) -> object:
    value: object = "leaf"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def set_byte(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        buf[rng.randrange(len(buf))] = rng.choice(b'\x00\n\r"\\{}[],:\t\xff\x80 ')
    return bytes(buf)


def truncate(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    return data[: rng.randrange(len(data))]


def insert(rng: random.Random, data: bytes) -> bytes:
    token = rng.choice(TOKENS)
    at = rng.choice([0, len(data), rng.randint(0, len(data))])
    return data[:at] + token + data[at:]


def delete(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, min(64, len(data) - start)) :]


def duplicate(rng: random.Random, data: bytes) -> bytes:
    """Repeat a slice (or every line) of the data."""
    if not data:
        return data
    if rng.random() < 0.5:
        lines = data.splitlines(keepends=True)
        line = rng.choice(lines)
        return data + line * rng.randint(1, 5)
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 256))
    return data[:end] + data[start:end] * rng.randint(1, 4) + data[end:]


def lines(rng: random.Random, data: bytes) -> bytes:
    """Line-level damage: shuffle, drop, blank, CRLF, no final newline, a BOM per line."""
    parts = data.splitlines(keepends=True)
    if not parts:
        return data
    op = rng.randrange(6)
    if op == 0:
        rng.shuffle(parts)
    elif op == 1:
        del parts[rng.randrange(len(parts))]
    elif op == 2:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice([b"\n", b"  \n", b"\r\n", b"\t\n"]))
    elif op == 3:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    elif op == 4:
        return data.rstrip(b"\r\n")
    else:
        parts = [b"\xef\xbb\xbf" + p for p in parts]
    return b"".join(parts)


def reencode(rng: random.Random, data: bytes) -> bytes:
    """The same text in another encoding: UTF-16/32 (with or without BOM), Latin-1, cp1252..."""
    text = data.decode("utf-8", errors="replace")
    encoding = rng.choice(
        ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig", "gb18030"]
    )
    return text.encode(encoding, errors="replace")


def csv_damage(rng: random.Random, data: bytes) -> bytes:
    """Quoting and delimiter damage: unbalanced quotes, quotes removed, delimiters swapped,
    extra or missing cells, a NUL in a field, a huge field."""
    op = rng.randrange(7)
    if op == 0:
        at = rng.randint(0, len(data))
        return data[:at] + b'"' + data[at:]
    if op == 1:
        return data.replace(b'"', b"", rng.randint(1, 10))
    if op == 2:
        a, b = rng.sample([b",", b"\t", b";", b"|"], 2)
        return data.replace(a, b)
    if op == 3:
        parts = data.split(b"\n")
        i = rng.randrange(len(parts))
        parts[i] = parts[i] + rng.choice([b",", b",,,,", b"\t\t", b',"x"'])
        return b"\n".join(parts)
    if op == 4:
        parts = data.split(b"\n")
        i = rng.randrange(len(parts))
        parts[i] = parts[i].split(b",")[0]
        return b"\n".join(parts)
    if op == 5:
        return data.replace(b",", b',"\x00', 1)
    at = rng.randint(0, len(data))
    return data[:at] + b'"' + b"y" * rng.choice([1000, 200_000]) + b'"' + data[at:]


def json_structure(rng: random.Random, data: bytes) -> bytes:
    """Parse the data as JSON (a document or JSON lines), put odd values in a few places
    (unhashable lists and dicts where strings are expected, huge numbers, lone surrogates,
    deep nesting) and write it back."""
    text = data.decode("utf-8", errors="replace")
    try:
        documents = [json.loads(text)]
        as_lines = False
    except (ValueError, RecursionError):
        documents = []
        for line in text.splitlines():
            try:
                documents.append(json.loads(line))
            except (ValueError, RecursionError):
                continue
        as_lines = True
        if not documents:
            return data
    nodes: list[tuple[object, object]] = []  # (container, key)

    def walk(value: object, depth: int = 0) -> None:
        if depth > 40:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                nodes.append((value, key))
                walk(item, depth + 1)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                nodes.append((value, index))
                walk(item, depth + 1)

    for document in documents:
        walk(document)
    for _ in range(rng.randint(1, 3)):
        if not nodes:
            break
        container, key = rng.choice(nodes)
        if isinstance(container, dict) and rng.random() < 0.2:
            container[rng.choice(["\ud800", "", "messages", "role", "x" * 300])] = _odd_values(rng)
        else:
            container[key] = _odd_values(rng)  # type: ignore[index]
    ensure_ascii = rng.random() < 0.5
    try:
        if as_lines:
            out = "".join(json.dumps(d, ensure_ascii=ensure_ascii) + "\n" for d in documents)
        else:
            out = json.dumps(documents[0], ensure_ascii=ensure_ascii, indent=rng.choice([None, 2]))
    except (ValueError, RecursionError):
        return data
    return out.encode("utf-8", errors="surrogatepass")


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Half of this input with half of another seed."""
    a = rng.randint(0, len(data))
    b = rng.randint(0, len(other))
    return data[:a] + other[b:]


# ---------------------------------------------------------------------------------------------
# XLSX: damage to the zip container, and to the XML inside it


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return None


def _rezip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_damage(rng: random.Random, data: bytes) -> bytes:
    """Damage the container: a member dropped, duplicated or emptied, bytes of one member
    changed (mutating the XML of sheets, shared strings, styles ...), the central directory
    cut off."""
    members = _members(data)
    if not members:
        return truncate(rng, data)
    named = [(info.filename, content) for info, content in members]
    op = rng.randrange(6)
    i = rng.randrange(len(named))
    if op == 0:
        del named[i]
    elif op == 1:
        named.append(named[i])
    elif op == 2:
        named[i] = (named[i][0], b"")
    elif op == 3:
        return data[: max(0, len(data) - rng.randint(1, 200))]
    else:
        name, content = named[i]
        xml_ops = [flip, truncate, insert, delete, duplicate, set_byte, xml_text]
        named[i] = (name, rng.choice(xml_ops)(rng, content))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names
        return _rezip(named)


def xml_text(rng: random.Random, data: bytes) -> bytes:
    """Odd text in an XML text node: control characters, huge numbers, long strings."""
    start = data.find(b"<t")
    if start < 0:
        start = data.find(b"<v>")
    if start < 0:
        return insert(rng, data)
    end = data.find(b">", start) + 1
    token = rng.choice(
        [b"&#7;", b"&#0;", b"\x07", b"9" * 400, b"x" * 40_000, b"&#xD800;", b"=1/0", b"\xff"]
    )
    return data[:end] + token + data[end:]


TEXT_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": flip,
    "set_byte": set_byte,
    "truncate": truncate,
    "insert": insert,
    "delete": delete,
    "duplicate": duplicate,
    "lines": lines,
    "reencode": reencode,
    "csv_damage": csv_damage,
    "json_structure": json_structure,
}
XLSX_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "zip_damage": zip_damage,
    "flip": flip,
    "truncate": truncate,
}
MUTATION_NAMES = (*tuple(TEXT_MUTATIONS), "zip_damage", "splice")

#: How often each mutation is chosen for a text input (json_structure and insert are the
#: productive ones).
TEXT_WEIGHTS = {
    "flip": 2,
    "set_byte": 1,
    "truncate": 1,
    "insert": 4,
    "delete": 1,
    "duplicate": 1,
    "lines": 2,
    "reencode": 1,
    "csv_damage": 2,
    "json_structure": 5,
    "splice": 1,
}


def apply(
    data: bytes,
    kind: str,
    steps: list[tuple[str, int]],
    other: Callable[[random.Random], bytes] | None = None,
) -> bytes:
    """Apply ``steps`` (mutation name, rng seed) to ``data`` in turn. ``other`` gives a seed
    to splice with. XLSX inputs take container mutations; text mutations on an XLSX go
    through ``zip_damage`` (into a member) most of the time."""
    for name, seed in steps:
        rng = random.Random(seed)
        if name == "splice":
            if other is not None:
                data = splice(rng, data, other(rng))
            continue
        if kind == "xlsx" and name not in XLSX_MUTATIONS:
            name = "zip_damage"
        function = XLSX_MUTATIONS.get(name) if kind == "xlsx" else TEXT_MUTATIONS.get(name)
        if function is None:
            function = zip_damage
        try:
            data = function(rng, data)
        except (RecursionError, MemoryError, ValueError):
            continue  # this mutation cannot apply to this input: skip it
    return data


def random_steps(rng: random.Random, kind: str) -> list[tuple[str, int]]:
    """1 to 4 steps, weighted for the input's kind."""
    count = rng.choice([1, 1, 2, 2, 3, 4])
    if kind == "xlsx":
        names = rng.choices(["zip_damage", "flip", "truncate"], weights=[8, 1, 1], k=count)
    else:
        names = rng.choices(list(TEXT_WEIGHTS), weights=list(TEXT_WEIGHTS.values()), k=count)
    return [(name, rng.randrange(2**32)) for name in names]
