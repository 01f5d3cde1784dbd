"""The unit registry: written unit names → canonical names, and run-together lists split.

The registry is data (``data/units/*.yaml``) in layers: a general layer of the genre's names,
whose local bodies take the jurisdiction level learned from the issuer (a 县 notice's 发改 →
县发改局), plus per-jurisdiction overlays chosen from the issuer (Shaodong's 市科工局 never
reaches another county's output). Lists are split on separators, then each chunk by greedy
longest match over every written form the registry knows; what is left is kept as written
and classified by generic rules (group names, unit suffixes). Leftovers that hold several
unknown names run together are cut with jieba over a domain dictionary built from the
registry (built in memory on first need; jieba's default dictionary is never loaded).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, NamedTuple

from ..errors import QigongError
from ..run_cache import HOLD_GIL, compiled, compiled_re
from ..text.stdre import WHITE_SPACE
from . import load_table, table_names

PieceKind = Literal["known", "repaired", "group", "shaped", "junk"]

# Separators of a written unit list (normalized text: fullwidth punctuation is ASCII already).
_SEPARATORS = compiled(r"[、,;/\s，；]+")
# The last stretch of a string with no separator in it, searched from the end (reverse matching):
# with no bracket in the string, the last of `_chunks`' stretches.
_LAST_CHUNK = compiled(r"(?r)[^、,;/\s，；]+")
# The characters `_SEPARATORS` matches, one by one (`closing_name` walks a chunk back to one).
_SEPARATOR_CHARS = frozenset("、,;/，；" + WHITE_SPACE)
_HAN_ONLY = compiled(r"\p{Han}+")
_PLACE = compiled(r"(?:[\p{Han}]{1,6}?(?:省|自治区|自治州|市|州|盟|县|区|旗))+")
_NAME_CHARS = compiled(r"[\p{Han}A-Za-z0-9()]+")


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation of `words` shaped as a trie: at a position it matches the longest word
    that starts there, and costs one step per character instead of one try per word."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True  # a word ends here

    def shape(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + shape(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # a word ending here: the longer words are tried first (greedy), then this one
        return f"(?:{body})?" if "" in node else body

    return shape(root)


def _separators_outside_brackets(s: str) -> list[Any]:
    """The list separators of `s` that stand outside brackets (各县(市、区)人民政府: that 、 is the name's)."""
    if "(" not in s and "[" not in s:
        return list(_SEPARATORS.finditer(s))
    out = []
    depth, pos = 0, 0
    for m in _SEPARATORS.finditer(s, None, None, False, HOLD_GIL):
        for ch in s[pos:m.start()]:
            if ch in "([":
                depth += 1
            elif ch in ")]" and depth:
                depth -= 1
        pos = m.start()
        if not depth:
            out.append(m)
    return out


def _chunks(written: str) -> list[tuple[int, int]]:
    """The non-empty stretches of `written` between its list separators outside brackets."""
    out: list[tuple[int, int]] = []
    pos = 0
    parts = written.split("、")
    if "".join(parts).isalnum():
        # 、 is the only separator (an alphanumeric character is no separator, space or bracket):
        # str methods, not the regex engine's scan of every character (`UnitRegistry._split` has
        # this shortcut inlined)
        for part in parts:
            if part:
                out.append((pos, pos + len(part)))
            pos += len(part) + 1
        return out
    return _chunks_by_pattern(written)


def _chunks_by_pattern(written: str) -> list[tuple[int, int]]:
    """`_chunks` of a string where 、 is not the only separator or a bracket stands."""
    out: list[tuple[int, int]] = []
    pos = 0
    seps = _SEPARATORS.finditer(written, None, None, False, HOLD_GIL) if "(" not in written and "[" not in written \
        else _separators_outside_brackets(written)
    for sep in seps:
        end, after = sep.span()
        if end > pos:
            out.append((pos, end))
        pos = after
    if len(written) > pos:
        out.append((pos, len(written)))
    return out


_new_tuple = tuple.__new__


class RegistryError(QigongError):
    """A unit table in the package is missing or malformed."""


class Piece(NamedTuple):
    """One unit-like piece of a written list: offsets into the string that was split.

    A named tuple: thousands are made per document, and a tuple is built three times faster than
    a frozen dataclass."""

    start: int
    end: int
    written: str
    canonical: str | None
    kind: PieceKind
    word_cut: bool = False  # starts where the domain segmenter cut two unknown names apart
    repaired: str = ""  # for some repairs (rules/repairs.yaml), what was repaired, for the warning

    @property
    def name(self) -> str:
        """The name to output: canonical when known, else as written."""
        return self.canonical or self.written


@functools.cache
def _tables() -> dict[str, dict[str, Any]]:
    """All unit tables of the package, by file stem (loaded once, on first use)."""
    out: dict[str, dict[str, Any]] = {}
    for name in table_names("units"):
        data = load_table(name) or {}
        if not isinstance(data, dict):
            raise RegistryError(f"unit table data/{name} is not a mapping")
        out[name[len("units/"):-len(".yaml")]] = data
    if "general" not in out:
        raise RegistryError("the general unit table (data/units/general.yaml) is missing")
    return out


def jurisdiction_of(issuer: str | None) -> tuple[str | None, str]:
    """The place named at the start of an issuer or a plan title, and its level (市/县/区/旗 or "")."""
    if not issuer:
        return None, ""
    m = _PLACE.match(issuer.strip())
    if not m:
        return None, ""
    place = m.group(0)
    levels = _tables()["general"].get("levels") or []
    level = place[-1] if place[-1] in levels else ""
    return place, level


class UnitRegistry:
    """Canonical unit names for one jurisdiction: the general layer plus its overlays."""

    # `split`'s results while `remembering` (one parse): None otherwise, so that a long-lived
    # process keeps no text it was given.
    _memo: dict[str, list[Piece]] | None = None
    _last_memo: dict[str, Piece | None] | None = None  # `last_piece`'s, likewise
    _chunk_memo: dict[str, list[Piece]] | None = None  # `_split_chunk`'s by chunk, offsets from its start

    def __init__(self, level: str, overlays: tuple[str, ...] = ()) -> None:
        general = _tables()["general"]
        self.level = level
        self.overlays = overlays
        self.levels: tuple[str, ...] = tuple(general.get("levels") or ())
        self.suffixes: tuple[str, ...] = tuple(sorted(general.get("suffixes") or (), key=len, reverse=True))
        self._groups = [compiled(p) for p in general.get("groups") or ()]
        # a group name holds one of these (units/general.yaml; `closing_name` tests them)
        self.group_words: tuple[str, ...] = tuple(general.get("group_words") or ())
        self.zone_words: tuple[str, ...] = tuple(general.get("zone_words") or ())
        self.name_starts: tuple[str, ...] = tuple(general.get("name_starts") or ())
        self.min_run = int(general.get("min_run_chars") or 6)
        self.lead_ins: tuple[str, ...] = tuple(sorted(general.get("lead_ins") or (), key=len, reverse=True))
        self._stems: dict[str, str] = {}  # written stem (no level) → canonical stem
        self._forms = forms = self._written_forms(general, level, overlays)
        sector = general.get("sector_department") or {}
        self._sectors = self._sector_names(general) if sector else frozenset()
        self._sector_prefixes: tuple[str, ...] = tuple(sorted(sector.get("prefixes") or (), key=len, reverse=True))
        self._sector_endings: tuple[str, ...] = tuple(sorted(sector.get("endings") or (), key=len, reverse=True))
        # The longest written form at a position, else a level (or 省) before another level's
        # body (市 + 发改局): one compiled trie, where each name used to be tried in turn.
        levels = "".join(sorted({*self.levels, "省"}))
        form_trie = _trie_pattern(f for f in forms if f)
        stem_trie = _trie_pattern(st for st in self._stems if 0 < len(st) <= 12)
        # One trie pattern both to read a name at a position (`match`: form, else level + stem) and
        # to find where `_split_chunk` has something to do (`search`: a name starting, or 等/各 —
        # the last alternative, so it never shadows a name): compiling the trie twice cost ~6 ms.
        self._name_at = compiled_re("|".join(
            [f"(?P<form>{form_trie})" if form_trie else "(?P<form>(?!))",
             f"(?P<level>[{re.escape(levels)}])(?P<stem>{stem_trie})" if stem_trie else "(?P<level>(?!))(?P<stem>)",
             "(?P<mark>[等各])"]))
        # the last characters of the suffixes: where a leftover may be cut (found by one scan)
        self._suffix_end = compiled_re("[" + re.escape("".join(sorted({x[-1] for x in self.suffixes if x}))) + "]"
                                      if self.suffixes else "(?!)")
        # One pattern for "any group pattern matches" (patterns with groups of their own kept apart).
        self._any_group = (compiled("|".join(f"(?:{p.pattern})" for p in self._groups))
                           if self._groups and not any(p.groups for p in self._groups) else None)
        self.canonical_names = frozenset(forms.values())
        # The last characters a known or repaired name can end with: a written form's, a stem's (a
        # level before another level's body), a suffix's (both repairs give a name ending with one).
        self._name_ends = frozenset({f[-1] for f in forms if f} | {st[-1] for st in self._stems if st}
                                    | {x[-1] for x in self.suffixes if x} | {x[-1] for x in self._sector_endings})
        # A chunk's pieces depend on the chunk alone (so `remembering` may keep them by chunk) when
        # no name read at a position can run on over the separator that ends the chunk: no written
        # form, stem or name start holds a separator character.
        self._chunks_alone = _SEPARATORS.search("".join((*forms, *self._stems, *self.name_starts))) is None
        # The chunks of `_chunk_memo` that are written forms (the tables' names, no document's text),
        # kept from one `remembering` to the next: each parse begins with them (a form is split the
        # same in every document, and most chunks a parse splits are forms).
        self._form_chunks: dict[str, list[Piece]] = {}

    def _written_forms(self, general: dict[str, Any], level: str, overlays: tuple[str, ...]) -> dict[str, str]:
        """Every written form the registry knows → its canonical name (the stems filled on the way).

        The general layer keeps a complete name as the document writes it (市场监管局 stays
        市场监管局, 自然资源和规划局 stays); only a truncation (发改, 市人社) is completed to the
        entry's name. Jurisdiction overlays map their own aliases as they list them."""
        forms: dict[str, str] = {}
        for key, aliases in (general.get("local") or {}).items():
            for written in (key, *(aliases or ())):
                stem = self._as_written(written, key, aliases or ())
                self._stems[written] = stem
                forms[written] = level + stem
                if level:
                    forms[level + written] = level + stem
        for key, aliases in (general.get("party") or {}).items():
            for written in (key, *(aliases or ())):
                forms[f"{level}委{written}"] = f"{level}委{self._as_written(written, key, aliases or ())}"
        for key, aliases in (general.get("as_written") or {}).items():
            for written in (key, *(aliases or ())):
                forms[written] = self._as_written(written, key, aliases or ())
        for overlay in overlays:
            for key, aliases in (_tables()[overlay].get("units") or {}).items():
                for written in (key, *(aliases or ())):
                    forms[written] = key
        return forms

    def _sector_names(self, general: dict[str, Any]) -> frozenset[str]:
        """The sectors a generic department names (教育, 卫生健康, 宣传): the written forms of the
        local bodies and Party organs, each without the suffix it ends with, and the table's own."""
        out: set[str] = set((general.get("sector_department") or {}).get("sectors") or ())
        for layer in ("local", "party"):
            for key, aliases in (general.get(layer) or {}).items():
                for written in (key, *(aliases or ())):
                    bare = next((written[: -len(x)] for x in self.suffixes if written.endswith(x)), written)
                    if len(bare) >= 2:
                        out.add(bare)
        return frozenset(out)

    def is_sector_department(self, name: str) -> bool:
        """A sector's department written generically (县级教育行政部门): [prefix] sector ending."""
        for ending in self._sector_endings:
            if name.endswith(ending):
                body = name[: -len(ending)]
                if body in self._sectors:
                    return True
                for prefix in self._sector_prefixes:
                    if body.startswith(prefix) and body[len(prefix):] in self._sectors:
                        return True
        return False

    @classmethod
    def for_issuer(cls, issuer: str | None) -> UnitRegistry:
        """The registry for the jurisdiction an issuer (or a plan title) names."""
        _place, level = jurisdiction_of(issuer)
        overlays = overlays_named_in(issuer)
        if not level and overlays:
            level = str(_tables()[overlays[0]].get("level") or "")
        return _registry(level, overlays)

    # -- single names -------------------------------------------------------------------------

    def canonical(self, name: str) -> str | None:
        """The canonical name of a written unit name (alias, truncation), None if unknown."""
        name = name.strip()
        if name in self._forms:
            return self._forms[name]
        # Another level's body (a 县 notice naming 市发改局): canonical with that level kept.
        if len(name) > 1 and name[0] in (*self.levels, "省") and name[1:] in self._stems:
            return name[0] + self._stems[name[1:]]
        return None

    def _as_written(self, written: str, key: str, aliases: Iterable[str]) -> str:
        """The canonical form of one written form of a registry entry: itself when written in full
        (市场监管局, 自然资源和规划局); a truncation (发改, 市场监管) → the shortest full form it begins."""
        full = [f for f in (key, *aliases) if f.endswith(self.suffixes)]
        # 人社 ends like a name (供销社) but is the head of 人社局: a two-character form that
        # begins a longer full form is a truncation.
        if written in full and (len(written) >= 3 or not any(f != written and f.startswith(written) for f in full)):
            return written
        longer = sorted((f for f in full if f.startswith(written) and f != written), key=len)
        return longer[0] if longer else key

    def is_written_form(self, name: str) -> bool:
        """Whether `name` is, exactly, one of the written forms the registry knows."""
        return name in self._forms

    def is_group(self, name: str) -> bool:
        """A group name (各产业链责任部门, 市直各行政执法主管部门 …), kept as written."""
        if self._any_group is not None:
            return self._any_group.match(name, None, None, HOLD_GIL) is not None
        return any(p.match(name) for p in self._groups)

    def is_unit_shaped(self, name: str) -> bool:
        """A name the generic rules accept as a unit: it ends with a unit suffix."""
        return (len(name) >= 2 and name.endswith(self.suffixes)
                and _NAME_CHARS.fullmatch(name, None, None, HOLD_GIL) is not None)

    def _match_at(self, s: str, pos: int) -> tuple[int, str] | None:
        """Longest written form (or other-level body) starting at `pos`: (end, canonical)."""
        m = self._name_at.match(s, pos)
        if m is None or m.end() == pos or m.lastgroup == "mark":
            return None
        form = m.group("form")
        if form is not None:
            return m.end(), self._forms[form]
        return m.end(), m.group("level") + self._stems[m.group("stem")]

    @functools.cached_property
    def _tails(self) -> dict[str, str | None]:
        """Tails of written forms (≥2 chars, ending in a suffix) → canonical, None when ambiguous."""
        tails: dict[str, str | None] = {}
        for form, canon in self._forms.items():
            if not form.endswith(self.suffixes):
                continue
            for i in range(1, len(form) - 1):
                tail = form[i:]
                if tail in tails and tails[tail] != canon:
                    tails[tail] = None
                else:
                    tails.setdefault(tail, canon)
        return tails

    def repaired(self, fragment: str) -> tuple[str, str] | None:
        """A damaged name (改局 ← 发改局, 智能造研究院 ← 智能制造研究院) → (the one canonical it can be,
        what was repaired), by the repairs of rules/repairs.yaml in order; None when none applies.
        The note is "" for a lost head (its warning says it as before)."""
        if fragment in self._forms or len(fragment) < 2:
            return None
        for rule in _repairs():
            if rule["kind"] == "lost_head":
                got = self._tails.get(fragment)
                if got is not None:
                    return got, ""
            elif rule["kind"] == "lost_middle":
                found = self._lost_middle(fragment, rule)
                if found is not None:
                    return found
        return None

    @functools.cache  # noqa: B019 (registries are few and cached for the process)
    def _by_head(self, names: str) -> dict[str, list[str]]:
        """Written forms ending in a unit suffix, by their first two characters: all the registry's
        (`names` "all") or only those of the jurisdiction overlays ("overlays")."""
        forms: Iterable[str] = self._forms
        if names == "overlays":
            forms = [f for o in self.overlays for key, aliases in (_tables()[o].get("units") or {}).items()
                     for f in (key, *(aliases or ()))]
        out: dict[str, list[str]] = {}
        for form in forms:
            if len(form) >= 3 and form.endswith(self.suffixes):
                out.setdefault(form[:2], []).append(form)
        return out

    def _lost_middle(self, written: str, rule: dict[str, Any]) -> tuple[str, str] | None:
        """The one canonical whose written form is `written` with a few characters put back in one
        place between its first `keep_head` characters and its unit suffix."""
        if not written.endswith(self.suffixes):  # one C call: most leftovers end like no name
            return None
        head = int(rule["keep_head"])
        suffix = next((x for x in self.suffixes if written.endswith(x)), None)
        if suffix is None or len(written) < head + len(suffix) or head < 2:
            return None
        fits: dict[str, str] = {}
        for form in self._by_head(str(rule.get("names", "all"))).get(written[:2], ()):
            lost = len(form) - len(written)
            if not (int(rule["min_lost"]) <= lost <= int(rule["max_lost"])) or not form.endswith(suffix):
                continue
            for i in range(head, len(written) - len(suffix) + 1):
                if form.startswith(written[:i]) and form.endswith(written[i:]):
                    fits.setdefault(self._forms[form], form[i:i + lost])
                    break
        if len(fits) != 1:
            return None
        canon, lost_chars = next(iter(fits.items()))
        return canon, f"{lost_chars} lost from its middle"

    def _starts_name(self, s: str, pos: int) -> bool:
        return s[pos] in self.levels or s.startswith(self.name_starts, pos)

    # -- lists --------------------------------------------------------------------------------

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Within it, `split` and `last_piece` reuse the result for a string read before (a parse
        splits the same lists again: a bracketed clause is read by the clause grammar and by the
        closing-clause shapes, the parts repeat section titles); on leaving, the results are
        dropped, but for the chunks that are written forms. Nested use keeps the outer one's."""
        if self._memo is not None:
            yield
            return
        self._memo, self._last_memo = {}, {}
        self._chunk_memo = dict(self._form_chunks) if self._chunks_alone else None
        try:
            yield
        finally:
            self._memo = self._last_memo = self._chunk_memo = None

    def split(self, written: str) -> list[Piece]:
        """Split a written list into pieces (offsets into `written`); text after 等 in a chunk is dropped."""
        memo = self._memo
        if memo is None:
            return self._shared_head(self._split(written))
        found = memo.get(written)
        if found is None:
            found = memo[written] = self._shared_head(self._split(written))
        return list(found)  # a copy: the caller may change its list

    def _shared_head(self, pieces: list[Piece]) -> list[Piece]:
        """Sectors listed before a sector's department share its head noun (省发展改革、工业和信息化部门 →
        省发展改革部门, 工业和信息化部门): the document truncates their names, each is completed."""
        if len(pieces) < 2 or not self._sectors or not pieces[-1].written.endswith(self._sector_endings):
            return pieces  # (most lists: one C call tells)
        last = pieces[-1].written
        ending = next((x for x in self._sector_endings if last.endswith(x)), None)
        if ending is None or not self.is_sector_department(last):
            return pieces
        out = list(pieces)
        for i in range(len(out) - 2, -1, -1):
            a, b, written, _, _, cut, repaired = out[i]
            full = written + ending
            if not self.is_sector_department(full):
                break
            out[i] = Piece(a, b, written, full, "known", cut, repaired)
        return out

    def _split(self, written: str) -> list[Piece]:
        pieces: list[Piece] = []
        memo = self._chunk_memo
        if memo is None:
            for pos, end in _chunks(written):
                pieces.extend(self._split_chunk(written, pos, end))
            return pieces
        new = tuple.__new__
        append = pieces.append
        parts = written.split("、")
        if "".join(parts).isalnum():
            # `_chunks`' shortcut inlined (、 the only separator): each non-empty part is a chunk,
            # read with no list of spans built and no slice taken
            pos = 0
            for part in parts:
                if part:
                    found = memo.get(part)
                    if found is None:
                        pieces.extend(self._chunk_pieces(written, pos, pos + len(part)))
                    elif not pos:
                        pieces.extend(found)
                    else:
                        for a, b, w, c, k, x, r in found:
                            append(new(Piece, (a + pos, b + pos, w, c, k, x, r)))
                pos += len(part) + 1
            return pieces
        for pos, end in _chunks_by_pattern(written):  # `_chunk_pieces` inlined: a list names many chunks read before
            found = memo.get(written[pos:end])
            if found is None:
                pieces.extend(self._chunk_pieces(written, pos, end))
            elif not pos:
                pieces.extend(found)
            else:  # a loop, not a comprehension (in 3.11 a function call per chunk)
                for a, b, w, c, k, x, r in found:
                    append(new(Piece, (a + pos, b + pos, w, c, k, x, r)))
        return pieces

    def last_piece(self, written: str) -> Piece | None:
        """The last piece `split(written)` gives, found from the end: one chunk split, not all."""
        memo = self._memo
        if memo is not None and written in memo:  # split already: its last piece
            pieces = memo[written]
            return pieces[-1] if pieces else None
        last = self._last_memo
        if last is None:
            return self._last_piece(written)
        if written not in last:
            last[written] = self._last_piece(written)
        return last[written]

    def closing_name(self, written: str) -> Piece | None:
        """The last piece `split(written)` gives when it is a known, repaired or group name, else None.

        Most texts asked (the end of a sentence) close with prose: when the last chunk ends with a
        character no known or repaired name ends with and holds no 等 (which ends a list before the
        chunk's end) and no group word, no piece of it can be one, and it is not split."""
        seps = _SEPARATOR_CHARS
        end = len(written)
        while end and written[end - 1] in seps:
            end -= 1
        if end and written[end - 1] not in self._name_ends and "(" not in written and "[" not in written \
                and self.group_words:
            # (with a bracket a chunk may run on over a separator inside it; with no group words
            # any chunk may be a group name: the general path)
            start = end - 1
            while start and written[start - 1] not in seps:
                start -= 1
            if written.find("等", start, end) < 0:
                for word in self.group_words:
                    if written.find(word, start, end) >= 0:
                        break
                else:
                    return None
        last = self.last_piece(written)
        return last if last is not None and last.kind in ("known", "repaired", "group") else None

    def _last_piece(self, written: str) -> Piece | None:
        if "(" not in written and "[" not in written:
            # no bracket: the last chunk is the last run of non-separators (one reverse search,
            # not every separator of the string walked in Python)
            m = _LAST_CHUNK.search(written, None, None, HOLD_GIL)
            if m is None:
                return None
            pieces = self._chunk_pieces(written, m.start(), m.end())
            if pieces:
                return pieces[-1]
        for pos, end in reversed(_chunks(written)):
            pieces = self._chunk_pieces(written, pos, end)
            if pieces:
                return pieces[-1]
        return None

    def _chunk_pieces(self, s: str, start: int, end: int) -> list[Piece]:
        """`_split_chunk`, kept by chunk while `remembering` (a parse names the same units in many
        lists). The list returned may be the memo's own: callers only read it."""
        memo = self._chunk_memo
        if memo is None:
            return self._split_chunk(s, start, end)
        chunk = s[start:end]
        found = memo.get(chunk)
        new = _new_tuple  # Piece's own __new__ is a Python function: this is the tuple it makes
        if found is None:
            found = self._split_chunk(s, start, end)  # a list of its own: kept as it is at offset 0
            if start:
                found = [new(Piece, (a - start, b - start, w, c, k, x, r)) for a, b, w, c, k, x, r in found]
            memo[chunk] = found
            if chunk in self._forms:
                self._form_chunks[chunk] = found
        if not start:
            return found
        return [new(Piece, (a + start, b + start, w, c, k, x, r)) for a, b, w, c, k, x, r in found]

    def _split_chunk(self, s: str, start: int, end: int) -> list[Piece]:
        for lead_in in self.lead_ins if s.startswith(self.lead_ins, start) else ():  # 由县经信局…: lead-in words
            if s.startswith(lead_in, start) and start + len(lead_in) < end:
                start += len(lead_in)
                break
        chunk = s[start:end]
        # pieces made as the tuples Piece(...) makes (its defaults written out), without its
        # Python-level __new__
        if self.is_group(chunk):
            return [_new_tuple(Piece, (start, end, chunk, None, "group", False, ""))]
        whole = self._match_at(s, start)
        if whole is not None and whole[0] == end:  # the chunk is one known name, as most are
            return [_new_tuple(Piece, (start, end, chunk, whole[1], "known", False, ""))]
        if self._sectors and chunk.endswith(self._sector_endings) and self.is_sector_department(chunk):
            # 教育部门 is no 教育部 and a 门: the sector's department, as written
            return [_new_tuple(Piece, (start, end, chunk, chunk, "known", False, ""))]
        out: list[Piece] = []
        buf_start = None
        pos = start
        while pos < end:
            # the next place with something to do: 等, 各, or a name beginning; between here and
            # there is leftover text (one C search, not one try per character)
            event = self._name_at.search(s, pos, end)
            if event is None:
                if buf_start is None:
                    buf_start = pos
                pos = end
                break
            at = event.start()
            if at > pos and buf_start is None:
                buf_start = pos
            pos = at
            if s[pos] == "等" and (out or buf_start is not None):
                break  # 等 closes the list; what follows describes it (等相关单位, 等负有…部门)
            if s[pos] == "各" and self.is_group(s[pos:end]):
                self._flush(s, buf_start, pos, out)
                buf_start = None
                out.append(Piece(pos, end, s[pos:end], None, "group"))
                pos = end
                break
            m = self._match_at(s, pos)
            if m is None:
                if buf_start is None:
                    buf_start = pos
                pos += 1
                continue
            m_end, canon = m
            self._flush(s, buf_start, pos, out)
            buf_start = None
            out.append(_new_tuple(Piece, (pos, m_end, s[pos:m_end], canon, "known", False, "")))
            pos = m_end
        # leftover text that is the whole chunk is no group name: tested above
        self._flush(s, buf_start, pos, out, whole_chunk=buf_start == start and pos == end)
        # one piece, as most chunks that are no known name give: nothing to join (`_merge` gives a
        # list of that piece)
        return out if len(out) < 2 else self._merge(s, out)

    def _flush(self, s: str, start: int | None, end: int, out: list[Piece], whole_chunk: bool = False) -> None:
        """Turn leftover text into pieces: split at unit-suffix boundaries, classify each.
        `whole_chunk`: s[start:end] is a chunk `is_group` has refused already."""
        if start is None or end <= start:
            return
        cut = start
        for m in self._suffix_end.finditer(s, start + 1, end - 1):  # i = m.end() in [start + 2, end)
            i = m.end()
            if s.endswith(self.suffixes, cut, i) and self._starts_name(s, i):
                self._flush_name(s, cut, i, out)
                cut = i
        self._flush_name(s, cut, end, out, whole_chunk and cut == start)

    def _flush_name(self, s: str, start: int, end: int, out: list[Piece], no_group: bool = False) -> None:
        """One leftover; names the registry lacks, run together with no level character between
        them (茶叶产业发展中心蚕桑站), are cut at the word boundaries of the domain segmenter."""
        if end - start >= self.min_run and s[start:end].endswith(self.suffixes):
            cuts = self._word_cuts(s[start:end])
            for a, b in zip([0, *cuts], [*cuts, end - start], strict=True):
                piece = self._leftover(s, start + a, start + b)
                out.append(Piece(piece.start, piece.end, piece.written, piece.canonical, piece.kind, a > 0,
                                 piece.repaired))
            return
        out.append(self._leftover(s, start, end, no_group))

    def _word_cuts(self, name: str) -> list[int]:
        """Offsets inside `name` after a word that closes a unit name, where a unit name follows."""
        if not any(name.find(suffix, 0, len(name) - 2) >= 2 for suffix in self.suffixes):
            return []  # no inner suffix: one name, and jieba is never loaded
        cuts: list[int] = []
        pos = last = 0
        for word in self._segmenter.lcut(name, HMM=False):
            pos += len(word)
            rest = name[pos:]
            if (pos - last >= 3 and len(rest) >= 3 and len(word) >= 2 and word.endswith(self.suffixes)
                    and rest.endswith(self.suffixes)):
                cuts.append(pos)
                last = pos
        return cuts

    @functools.cached_property
    def _segmenter(self) -> Any:
        """A jieba tokenizer over a domain dictionary built from this registry (never jieba's default
        dictionary): written forms, stems and unit suffixes. Built in memory, on first need."""
        import io

        import jieba

        words: dict[str, int] = dict.fromkeys(self.suffixes, 300)
        words.update(dict.fromkeys(self._stems, 800))
        words.update(dict.fromkeys(self._forms, 1000))
        lines = "".join(f"{w} {f}\n" for w, f in words.items() if w and " " not in w)
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(io.BytesIO(lines.encode("utf-8")))
        tokenizer.initialized = True  # skip jieba's own loading, its cache file and its log lines
        return tokenizer

    def _leftover(self, s: str, start: int, end: int, no_group: bool = False) -> Piece:
        """One piece of leftover text, classified; `no_group`: `is_group` refused the text already."""
        text = s[start:end]
        if not no_group and self.is_group(text):  # the tuples Piece(...) makes, as in `_split_chunk`
            return _new_tuple(Piece, (start, end, text, None, "group", False, ""))
        fixed = self.repaired(text)
        if fixed is not None:
            return _new_tuple(Piece, (start, end, text, fixed[0], "repaired", False, fixed[1]))
        return _new_tuple(Piece, (start, end, text, None, "shaped" if self.is_unit_shaped(text) else "junk",
                                  False, ""))

    def _merge(self, s: str, pieces: list[Piece]) -> list[Piece]:
        """Join a known name and the unknown tail it runs into (国家税务总局 + 新邵县税务局)."""
        out: list[Piece] = []
        for p in pieces:
            while out and self._joins(s, out[-1], p):
                prev = out.pop()
                p = Piece(prev.start, p.end, s[prev.start : p.end], None, "shaped")
            out.append(p)
        return out

    def _joins(self, s: str, prev: Piece, p: Piece) -> bool:
        if prev.end != p.start or p.word_cut:
            return False
        if (prev.kind == "known" and not prev.written.endswith(self.suffixes)
                and p.kind in ("repaired", "shaped", "junk") and p.written.endswith(self.suffixes)):
            # a name the registry knows only the head of: 县自然资源 + 规划局 is 县自然资源规划局
            return True
        if p.kind == "shaped" and prev.kind in ("known", "shaped") and not self._starts_name(s, p.start):
            return True
        # a place name before a level-prefixed body: 邵阳 + 市生态环境局…
        if prev.kind != "junk" or p.kind not in ("known", "shaped"):
            return False
        if prev.written in (*self.levels, "省"):
            # a level before a body the registry knows without one: 县 + 经开区管委会
            return p.written[0] not in self.levels
        if not 2 <= len(prev.written) <= 8 or _HAN_ONLY.fullmatch(prev.written) is None:
            return False
        if p.written[0] in self.levels:  # 邵阳 + 市生态环境局…, 国网郴州市北湖 + 区供电公司
            return len(prev.written) <= 8 and _PLACE.fullmatch(prev.written + p.written[0]) is not None
        # a place name before a body written in full without a level: 吉安市安福 + 生态环境局,
        # 娄底 + 经开区管委会 (a truncation such as 自然资源 after it is a run-together list instead)
        return p.written.startswith(self.zone_words) or (p.kind == "known" and p.written.endswith(self.suffixes))

    def resolve(self, written: str) -> tuple[list[str], list[str]]:
        """A written list or run-together string → (canonical units in order, unknown pieces as written).

        Known names and group names go in the first list (deduplicated, in order); pieces the
        registry does not know go in the second, as written.
        """
        units: list[str] = []
        unknown: list[str] = []
        for p in self.split(written):
            if p.kind in ("known", "repaired", "group"):
                if p.name not in units:
                    units.append(p.name)
            else:
                unknown.append(p.written)
        return units, unknown


@functools.cache
def _repairs() -> tuple[dict[str, Any], ...]:
    """The unit repairs of rules/repairs.yaml, in order."""
    data = load_table("repairs.yaml") or {}
    return tuple(data.get("units") or ())


def overlays_named_in(text: str | None) -> tuple[str, ...]:
    """The jurisdiction overlays (``units/<place>.yaml``) whose `match` words `text` names."""
    if not text:
        return ()
    return tuple(sorted(stem for stem, table in _tables().items()
                        if stem != "general" and any(m in text for m in table.get("match") or ())))


def overlay_rules(overlays: tuple[str, ...], key: str) -> list[Any]:
    """The records an overlay adds to a general table, in overlay order: ``conventions`` (as in
    conventions.yaml) or ``chrome`` (line patterns, as in segment.yaml)."""
    return [rule for stem in overlays for rule in _tables()[stem].get(key) or ()]


@functools.cache
def _registry(level: str, overlays: tuple[str, ...]) -> UnitRegistry:
    return UnitRegistry(level, overlays)
