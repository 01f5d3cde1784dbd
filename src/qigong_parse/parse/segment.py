"""Segmentation stage: decoded text → notice head, parts (general plan, annexes), unassigned spans.

Works line by line on the normalized text with the tables in ``rules/segment.yaml``, in phases:

1. the frame: site chrome at the top and bottom, repository front matter (YAML between ``---``,
   ``>`` notes, a ``# title`` line) before the document;
2. the head: title (one to three lines), 文号, recipients, and the issuing form it shows —
   a covering notice (印发/转发…的通知: its own short body, signature and date close the head) or a
   document issued directly (意见, 决定, 批复, a 通知 with its own tasks: the head ends at the
   recipients, the body is the plan, the signature and date after it belong to the head);
3. the announced 附件 list and the annex headings;
4. the pieces in reading order, which tile the text.

Every character ends up in exactly one piece; blank lines go with the piece before them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Final

import regex

from ..model.ir import PartSlice, Segmentation
from ..model.kinds import NoticeForm, Span
from ..model.records import Attachment, Notice, Unassigned
from ..rules import TableError, load_table
from ..rules.markers import marker_prefix
from ..rules.units import overlay_rules
from ..run_cache import HOLD_GIL, compiled
from ..text.lines import Line
from ..text.normalize import normalize
from ..text.numerals import cn_to_int, year_digits
from .state import ParseState

_SPACES = compiled(r"\s+")


@cache
def _tables() -> dict[str, Any]:
    t = load_table("segment.yaml")
    tables: dict[str, Any] = {"chrome": [compiled(p) for p in t["chrome"]],
                              "outline_marker": compiled(marker_prefix("plan_title_guard"))}
    for key, value in t.items():
        if isinstance(value, str):
            tables[key] = compiled(value)
        elif key != "chrome":
            tables[key] = value
    return tables


def _squash(s: str) -> str:
    return _SPACES.sub("", s, 0, None, None, HOLD_GIL)


# --- 1. the frame ------------------------------------------------------------------------------


# _Frame and _Head are plain classes, not dataclasses (~4 M instructions each to create at
# start-up); _Frame is read-only by `Final` (mypy). No __eq__/__repr__/__hash__: nothing compares,
# prints or hashes them.
class _Frame:
    __slots__ = ("fields", "front", "heading_line", "lead_end", "page_title", "trail_start")
    lead_end: Final[int]  # index of the first line after leading chrome and front matter
    trail_start: Final[int]  # index of the first line of trailing chrome
    front: Final[tuple[int, int] | None]  # [first, last+1) line indices of repository front matter
    fields: Final[dict[str, str]]  # front-matter fields (标题, 文号 …)
    page_title: Final[str | None]  # a `# title` line or a page heading, when there is one
    # the line of the leading chrome, its last, that heads the article with a plan's title (工作要点)
    heading_line: Final[int | None]

    def __init__(self, lead_end: int, trail_start: int, front: tuple[int, int] | None,
                 fields: dict[str, str] | None = None, page_title: str | None = None,
                 heading_line: int | None = None) -> None:
        self.lead_end = lead_end
        self.trail_start = trail_start
        self.front = front
        self.fields = {} if fields is None else fields
        self.page_title = page_title
        self.heading_line = heading_line


def _outside(line: Line, outside: list[Span]) -> bool:
    return any(s <= line.cstart and line.cend <= e for s, e in outside)


def _is_chrome(line: Line, outside: list[Span], chrome: tuple[Any, ...]) -> bool:
    if not line.content:
        return False
    if _outside(line, outside):
        return True
    return len(line.content) <= 200 and any(p.search(line.content, None, None, HOLD_GIL) for p in chrome)


@cache
def _chrome(overlays: tuple[str, ...]) -> tuple[Any, ...]:
    """The chrome patterns in force: the general ones and those of the overlays that apply."""
    try:
        return (*_tables()["chrome"], *(compiled(p) for p in overlay_rules(overlays, "chrome")))
    except regex.error as exc:
        raise TableError(f"a chrome pattern of the overlays {', '.join(overlays)} is broken: {exc}") from exc


def _front_matter(lines: list[Line], start: int) -> tuple[int, dict[str, str], str | None] | None:
    """(end index, fields, page title) of repository front matter opening at line `start`."""
    t = _tables()
    i = start
    while i < len(lines) and lines[i].blank:
        i += 1
    first = i  # blank lines alone are no front matter
    fields: dict[str, str] = {}
    if i < len(lines) and lines[i].content == "---":
        close = next((j for j in range(i + 1, min(len(lines), i + 80)) if lines[j].content == "---"), None)
        if close is None:
            return None
        for j in range(i + 1, close):
            key, sep, value = lines[j].content.partition(":")
            if sep and value.strip():
                fields[key.strip()] = value.strip()
        i = close + 1
    title = None
    end = i
    while i < len(lines):
        content = lines[i].content
        if lines[i].blank:
            i += 1
            continue
        if t["md_note"].match(content):
            end = i = i + 1
            continue
        heading = t["md_heading"].match(content)
        if heading and title is None:
            title = heading.group("title").strip()
            end = i = i + 1
            continue
        break
    if end == first and not fields:
        return None
    return end, fields, title


def _opens_document(content: str) -> bool:
    """A line that only a document's head or body opens with: a red header, a 文号, recipients."""
    t = _tables()
    squashed = _squash(content)
    return bool(t["red_header"].match(squashed, None, None, HOLD_GIL)
                or (len(squashed) <= 40 and t["doc_number"].fullmatch(squashed, None, None, HOLD_GIL))
                or _is_recipients(content))


def _frame(state: ParseState) -> _Frame:
    lines, outside, chrome = state.lines, state.outside, _chrome(state.overlays)
    nonblank = [i for i, ln in enumerate(lines) if ln.content]
    # Lines a reader already knows are outside the document (HTML site chrome) come first, however
    # many; then the chrome patterns are looked for among the first lines that follow.
    known = 0
    while known < len(nonblank) and _outside(lines[nonblank[known]], outside):
        known += 1
    lead_end = nonblank[known - 1] + 1 if known else 0
    front: tuple[int, int] | None = None
    fields: dict[str, str] = {}
    page_title = None
    found = _front_matter(lines, lead_end)
    if found is not None:
        end, fields, page_title = found
        front = (lead_end, end)
        lead_end = end
    for i in nonblank[known:known + 15]:
        if _opens_document(lines[i].content) or (i >= lead_end and _tables()["outline_marker"].match(
                lines[i].content, None, None, HOLD_GIL)):
            break  # chrome after the document's first line (or first heading) is the page's, below it
        if i >= lead_end and _is_chrome(lines[i], outside, chrome):
            lead_end = i + 1
    while lead_end < len(lines) and lines[lead_end].blank:
        lead_end += 1
    heading_line = None
    if page_title is None:  # a page heading among the leading chrome (…关于印发…的通知)
        page_title = next((ln.content for ln in lines[:lead_end] if _title_match(_squash(ln.content))), None)
    last_lead = next((i for i in range(lead_end - 1, -1, -1) if lines[i].content), None)
    if page_title is None and last_lead is not None and _outside(lines[last_lead], outside) \
            and _plan_title_like(lines[last_lead].content) and not _is_chrome(lines[last_lead], [], chrome):
        # the article's heading, printed by the site above a body with no head of its own
        page_title, heading_line = lines[last_lead].content, last_lead
    i = len(lines) - 1
    while i >= lead_end and (lines[i].blank or _is_chrome(lines[i], outside, chrome)):
        i -= 1
    trail_start = i + 1
    while trail_start < len(lines) and lines[trail_start].blank:
        trail_start += 1  # blank lines after the document stay with it
    return _Frame(lead_end, trail_start, front, fields, page_title, heading_line)


# --- 2. the head -------------------------------------------------------------------------------


class _Head:
    __slots__ = ("date", "doc_number", "first", "first_last", "form", "issuer", "last", "recipients", "signature",
                 "title")
    form: NoticeForm  # covering | forwarding | direct
    first: int  # first line of the head
    last: int  # last line of the head (before the body)
    title: str | None
    issuer: str | None
    doc_number: str | None
    date: dt.date | None
    recipients: list[str]
    signature: tuple[int, int] | None  # [first, last] lines of a direct document's signature
    first_last: int  # the head's last line before a covering notice's body was added to it

    def __init__(self, form: NoticeForm, first: int, last: int, title: str | None = None, issuer: str | None = None,
                 doc_number: str | None = None, date: dt.date | None = None, recipients: list[str] | None = None,
                 signature: tuple[int, int] | None = None, first_last: int = -1) -> None:
        self.form = form
        self.first = first
        self.last = last
        self.title = title
        self.issuer = issuer
        self.doc_number = doc_number
        self.date = date
        self.recipients = [] if recipients is None else recipients
        self.signature = signature
        self.first_last = first_last


def _parse_date(m: Any) -> dt.date | None:
    try:
        y, mo, d = (cn_to_int(year_digits(m.group(k))) for k in ("y", "m", "d"))
        if y is None or mo is None or d is None:
            return None
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _dates_from_digits(digits: str) -> list[dt.date]:
    """All valid readings of a date whose 年/月/日 were lost (2024318 → 2024-03-18)."""
    out = []
    y, rest = int(digits[:4]), digits[4:]
    for cut in range(1, len(rest)):
        try:
            out.append(dt.date(y, int(rest[:cut]), int(rest[cut:])))
        except ValueError:
            continue
    return out


def _restore_doc_number(written: str) -> tuple[str, bool]:
    """The doc number as the issuer meant it (〔2024〕2号), and whether it had to be repaired."""
    m = _tables()["doc_number"].search(written)
    if m is None:
        return written, False
    head = written[: m.start("year") - 1]
    no = m.group("no")
    if not no:
        return written, True
    if compiled(r".+[〔\[(]\d{4}[〕\])]\d{1,4}号").fullmatch(written):
        return written, False  # complete as written, whatever its brackets (新政办发[2024]8号)
    restored = f"{head}〔{m.group('year')}〕{no}号"
    return restored, _squash(written) != restored


def _split_outside_brackets(s: str, seps: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "(〔[（【":
            depth += 1
        elif ch in ")〕]）】" and depth:
            depth -= 1
        if ch in seps and not depth:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [p.strip() for p in out if p.strip()]


def split_recipients(s: str) -> list[str]:
    """Addressees of a recipients line; fixed groups stay whole (各省、自治区、直辖市人民政府,
    区政府各委、办、局, 各乡、镇人民政府), and so do names with brackets of their own."""
    t = _tables()
    levels = tuple(sorted(t["admin_levels"], key=len, reverse=True))
    suffix_only = set(t["office_words"])
    out: list[str] = []
    for chunk in _split_outside_brackets(s, ",;，；"):
        pieces = _split_outside_brackets(chunk, "、")
        merged: list[str] = []
        for p in pieces:
            prev = merged[-1] if merged else None
            # a bare level (省、…) always belongs with what follows; 各X only before another level
            joins = prev is not None and (prev in levels or (prev.removeprefix("各") in levels
                                                             and p.startswith(levels)))
            if prev is not None and (joins or p in suffix_only):
                merged[-1] = prev + "、" + p
            else:
                merged.append(p)
        out.extend(merged)
    return out


def _title_match(joined: str) -> Any:
    return _tables()["notice_title"].match(joined, None, None, HOLD_GIL)


def _find_title(lines: list[Line], window: list[int]) -> tuple[int, int, Any] | None:
    """(first line, last line, match) of the document's title: one to three lines that join into a
    title of the genre (…关于…的通知, …的若干意见, 对…的答复)."""
    t = _tables()
    for k, i in enumerate(window):
        content = lines[i].content
        if len(content) > 120 or not t["notice_title_start"].match(content, None, None, HOLD_GIL):
            continue
        joined, last = _squash(content), i
        for j in [i, *window[k + 1:k + 3]]:
            if j != i:
                if t["notice_title_end"].search(joined, None, None, HOLD_GIL) and _title_match(joined):
                    break
                nxt = lines[j].content
                if (t["doc_number"].fullmatch(_squash(nxt), None, None, HOLD_GIL)
                        or t["recipients"].match(nxt, None, None, HOLD_GIL) or len(nxt) > 60):
                    break
                joined += _squash(nxt)
                last = j
        m = _title_match(joined)
        if m is not None:
            return i, last, m
    return None


def _is_recipients(content: str) -> bool:
    t = _tables()
    if (not t["recipients"].match(content, None, None, HOLD_GIL)
            or t["doc_number"].fullmatch(_squash(content), None, None, HOLD_GIL)):
        return False
    body = content.rstrip(":")
    return ("、" in body or "," in body or body.startswith(("各", "全")) or
            (len(body) <= 30 and body.endswith(tuple(t["recipient_ends"]))))


def _date_at(lines: list[Line], i: int, state: ParseState, lead_end: int) -> tuple[bool, dt.date | None]:
    """Whether line i is a date line, and the date it gives (a run-together date repaired)."""
    t = _tables()
    c = _squash(lines[i].content)
    m = t["date"].match(c, None, None, HOLD_GIL)
    if m:
        return True, _parse_date(m)
    m = t["date_run_together"].match(c, None, None, HOLD_GIL)
    if m:
        readings = _dates_from_digits(m.group("digits"))
        chrome_dates = _chrome_dates(lines, lead_end)
        agreed = [d for d in readings if d in chrome_dates]
        date = agreed[0] if agreed else (readings[0] if readings else None)
        state.warn("damaged-date", f"date {lines[i].content!r} lost 年/月/日; read as {date}", part="notice")
        return True, date
    return False, None


def _issuer_line(content: str) -> str | None:
    """The issuer a signature line names: one body, or joint bodies separated by spaces (joined by 、)."""
    t = _tables()
    names = [n for n in compiled(r"\s{2,}|\s*、\s*").split(content.strip()) if n]
    if names and all(t["issuer"].match(_squash(n)) for n in names):
        return "、".join(_squash(n) for n in names)
    return None


def _find_head(state: ParseState, frame: _Frame, body: list[int]) -> _Head | None:
    """The head: title, 文号, recipients and the form they show; None when the text has no head."""
    lines, t = state.lines, _tables()
    reach = t["head_lines"]
    window = body[:reach["window"]]
    rec_idx = next((i for i in window[:reach["recipients"]] if _is_recipients(lines[i].content)), None)
    # the title stands before the recipients (a plan title after them is the plan's own)
    found = _find_title(lines, [i for i in window if rec_idx is None or i < rec_idx])
    doc_idx = next((i for i in window[:reach["doc_number"]] if len(lines[i].content) <= 40
                    and t["doc_number"].fullmatch(_squash(lines[i].content), None, None, HOLD_GIL)
                    and (rec_idx is None or i < rec_idx)), None)
    title = issuer = full_title = None
    if found is not None:
        title, issuer, full_title = found[2].group("title"), found[2].group("issuer") or None, found[2].group(0)
    elif rec_idx is not None and frame.page_title and _title_match(_squash(frame.page_title)):
        # The site printed the document without its title line: the page's own heading names it.
        m = _title_match(_squash(frame.page_title))
        title, issuer, full_title = m.group("title"), m.group("issuer") or None, m.group(0)
        state.warn("title-from-page", "the document has no title line; its title is read from the page heading",
                   part="notice")
    if title is None and not (doc_idx is not None and rec_idx is not None):
        return _head_from_page(state, frame) if rec_idx is None and doc_idx is None else None
    first = min(x for x in (found[0] if found else None, doc_idx, rec_idx) if x is not None)
    first, red = _red_header(lines, window, first)
    if red and (issuer is None or len(red) > 1):
        issuer = "、".join(red)
    if issuer is None and frame.page_title and (m := _title_match(_squash(frame.page_title))):
        issuer = m.group("issuer") or None
    last = max(x for x in (found[1] if found else None, doc_idx, rec_idx) if x is not None)
    # The issuer stands apart from the title only before 关于 (segment.yaml issuer_apart_before;
    # 国务院关于…的意见 → 关于…的意见, the output contract's form); any other title keeps its printed
    # words whole (国务院办公厅对…的答复, 江西省人民政府办公厅印发关于…的通知). Its form is read from the
    # words after the issuer.
    kept = title if title is None or title.startswith(tuple(t["issuer_apart_before"])) else full_title
    head = _Head(form=_form_of(title), first=first, last=last, title=kept, issuer=issuer)
    if rec_idx is not None:
        written_list = state.text[lines[rec_idx].cstart:lines[rec_idx].cend].strip()
        head.recipients = split_recipients(written_list.rstrip(":："))
    if doc_idx is not None:
        written = state.text[lines[doc_idx].cstart:lines[doc_idx].cend].strip()
        head.doc_number, repaired = _restore_doc_number(_squash(written))
        if repaired:
            state.warn("damaged-doc-number", f"doc number {written!r} read as {head.doc_number!r}", part="notice")
    return head


def _head_from_page(state: ParseState, frame: _Frame) -> _Head | None:
    """A page whose body prints no head, under the site's heading of the article (a plan's title) and
    a metadata table naming its issuer: the document issued directly, its head the heading line
    (the 文号 and date are read from the metadata as for any head that lacks them)."""
    if frame.heading_line is None:
        return None
    issuer = next((m.group("issuer") for ln in state.lines[:frame.lead_end]
                   if (m := _tables()["chrome_issuer"].search(ln.content, None, None, HOLD_GIL))), None)
    if issuer is None:
        return None
    state.warn("head-from-page", f"the document prints no head; its title is the page heading and its issuer "
               f"{issuer!r} is taken from the page's metadata", part="notice")
    return _Head(form="direct", first=frame.heading_line, last=frame.heading_line, title=frame.page_title,
                 issuer=issuer)


def _red_header(lines: list[Line], window: list[int], first: int) -> tuple[int, list[str]]:
    """Red-header lines just before the head (the issuers in large type, one a line, or XX文件):
    the head's new first line and the issuers they name."""
    t = _tables()
    red: list[str] = []
    while True:
        prev = [i for i in window if i < first]
        if not prev:
            return first, red
        content = lines[prev[-1]].content
        is_red = bool(t["red_header"].match(_squash(content)))
        name = _issuer_line(content[:-2] if is_red else content)
        if name is None and not is_red:
            return first, red
        first = prev[-1]
        if name:
            red.insert(0, name)


def _form_of(title: str | None) -> NoticeForm:
    """covering (印发…), forwarding (转发/批转…) or direct (a document issued as it stands)."""
    t = _tables()
    if title and t["forwarding_title"].search(title):
        return "forwarding"
    if title and t["covering_title"].search(title):
        return "covering"
    return "direct"


def _close_covering(state: ParseState, frame: _Frame, body: list[int], head: _Head) -> None:
    """A covering notice's head runs on over its short body to the signature date (and the notes
    after it); with no date, to the line before the plan's title or the first annex heading."""
    lines, t = state.lines, _tables()
    after = [i for i in body if i > head.last]
    limit = _covering_limit(lines, after)
    for k, i in enumerate(after):
        if k > limit:
            break
        content = lines[i].content
        in_list = (t["attachment_list_start"].match(content, None, None, HOLD_GIL)
                   or t["attachment_item"].match(content, None, None, HOLD_GIL))
        if not in_list and k > 1 and (_plan_title_like(content) or _annex_heading(lines, i)):
            break
        is_date, date = _date_at(lines, i, state, frame.lead_end)
        if is_date:
            signers = _signers(lines, after[:k])
            if signers and (head.issuer is None or (len(signers) > 1 and "、" not in head.issuer)):
                head.issuer = "、".join(signers)
            head.first_last = head.last
            head.date, head.last = date, _after_notes(lines, body, i)
            return
    # no signature date: the head ends before the first plan title or annex heading after it
    for k, i in enumerate(after):
        if k > limit or (k and (_plan_title_like(lines[i].content) or _annex_heading(lines, i))):
            break
        head.last = i
    dates = _chrome_dates(lines, frame.lead_end) or _field_dates(frame)
    head.date = dates[0] if dates else _imprint_date(lines, frame)
    imprint = f"; the date is the imprint's (…{_written_date(head.date)}印发)" if head.date and not dates else ""
    state.warn("no-date", "no signature date found in the notice head" + imprint, part="notice")


def _body_is_outline(lines: list[Line], body: list[int], head: _Head) -> bool:
    """A covering notice whose head swallowed three or more outline headings before its signature,
    with no plan title in between: its body is the plan itself."""
    if head.first_last < 0:
        return False
    t = _tables()
    inside = [i for i in body if head.first_last < i <= head.last]
    headings = [i for i in inside if t["outline_marker"].match(lines[i].content, None, None, HOLD_GIL)]
    if len(headings) < 3:
        return False
    return not any(_plan_title_like(lines[i].content) for i in inside if i < headings[0])


def _covering_limit(lines: list[Line], after: list[int]) -> int:
    """How many lines a covering notice's own body may run: up to the first line that starts an
    outline heading after a plan title (a notice's body is a few paragraphs)."""
    t = _tables()

    def plan_title(i: int) -> bool:
        content = lines[i].content
        return _plan_title_like(content) and not t["attachment_list_start"].match(content)

    for k, i in enumerate(after):
        content = lines[i].content
        if k and t["outline_marker"].match(content, None, None, HOLD_GIL) and not _plan_title_like(content) and any(
                plan_title(j) for j in after[max(0, k - 3):k]):
            return k
    return len(after)


def _signers(lines: list[Line], before: list[int]) -> list[str]:
    """The issuers signing on the lines right before a signature date (joint issuers one per line)."""
    out: list[str] = []
    for i in reversed(before):
        name = _issuer_line(lines[i].content)
        if name is None:
            break
        out.insert(0, name)
    return out


def _after_notes(lines: list[Line], body: list[int], i: int) -> int:
    """The last line of the (此件公开发布) / (本文有删减) notes that follow line i, or i."""
    t = _tables()
    nxt = [j for j in body if j > i]
    for j in nxt:
        if not t["after_signature"].match(lines[j].content):
            break
        i = j
    return i


def _close_direct(state: ParseState, frame: _Frame, body: list[int], head: _Head, stop: int) -> None:
    """A document issued directly: its signature and date close the body, before `stop` (the first
    annex heading or the end)."""
    lines, t = state.lines, _tables()
    tail = [i for i in body if head.last < i < stop]
    for k in range(len(tail) - 1, max(-1, len(tail) - 8), -1):
        i = tail[k]
        if t["after_signature"].match(lines[i].content) or t["attachment_list_start"].match(lines[i].content):
            continue
        is_date, date = _date_at(lines, i, state, frame.lead_end)
        if not is_date:
            break
        issuers = _signers(lines, tail[:k])
        first = tail[k - len(issuers)] if issuers else i
        head.date = date
        if issuers and (not head.issuer or len(issuers) > 1):
            head.issuer = "、".join(issuers)
        head.signature = (first, _after_notes(lines, body, i))
        return
    dates = _chrome_dates(lines, frame.lead_end) or _field_dates(frame)
    head.date = dates[0] if dates else _imprint_date(lines, frame)
    if head.date is None:
        state.warn("no-date", "no signature date found after the document", part="notice")
    elif not dates:
        state.warn("no-date", f"no signature date found after the document; the date is the imprint's "
                   f"(…{_written_date(head.date)}印发)", part="notice")


def _written_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _imprint_date(lines: list[Line], frame: _Frame) -> dt.date | None:
    """The date of the imprint (版记: …办公室 2025年1月20日印发), set aside with the closing chrome."""
    pattern = _tables()["imprint_date"]
    for ln in lines[frame.trail_start:]:
        m = pattern.match(_squash(ln.content), None, None, HOLD_GIL) if ln.content else None
        if m:
            return _parse_date(m)
    return None


def _chrome_dates(lines: list[Line], lead_end: int) -> list[dt.date]:
    out = []
    for ln in lines[:lead_end]:
        m = _tables()["chrome_date"].search(ln.content, None, None, HOLD_GIL)
        if m:
            parsed = _parse_date(m)
            if parsed:
                out.append(parsed)
    return out


def _field_dates(frame: _Frame) -> list[dt.date]:
    out = []
    for key in _tables()["front_matter_fields"]["date"]:
        m = compiled(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})").match(frame.fields.get(key, ""))
        if m and (d := _parse_date(m)):
            out.append(d)
    return out


def _from_front_matter(state: ParseState, frame: _Frame, notice: dict[str, Any]) -> None:
    """Head fields the text lacks, taken from the repository's front matter (flagged)."""
    names = _tables()["front_matter_fields"]
    for field_name in ("doc_number", "issuer"):
        if notice.get(field_name):
            continue
        value = next((frame.fields[k] for k in names[field_name] if frame.fields.get(k)), None)
        if value:
            notice[field_name] = value
            state.warn("head-from-front-matter", f"{field_name} {value!r} is not in the text; taken from the "
                       "repository's front matter", part="notice")
    if not notice.get("doc_number"):
        found = next((m for ln in state.lines[:frame.lead_end]
                      if (m := _tables()["chrome_doc_number"].search(ln.content))), None)
        if found is not None:
            notice["doc_number"] = found.group("doc")
            state.warn("head-from-page", f"doc_number {found.group('doc')!r} is not in the text; taken from the "
                       "page's metadata", part="notice")


# --- 3. attachments and annexes ----------------------------------------------------------------


def _plan_title_like(content: str) -> bool:
    return _title_shaped(content) and bool(_tables()["plan_title_end"].search(content, None, None, HOLD_GIL))


def _title_shaped(content: str) -> bool:
    """A line that can be a title: short, no sentence or clause end, no outline marker first."""
    return (4 <= len(content) <= 60 and "。" not in content and "," not in content
            and not _tables()["outline_marker"].match(content, None, None, HOLD_GIL))


def _annex_heading(lines: list[Line], i: int) -> tuple[int | None, str] | None:
    """(annex number, title on the same line) if line i is an 附件N heading (not the 附件: list)."""
    content = lines[i].content
    if len(content) > 80:
        return None
    m = _tables()["annex_heading"].match(content, None, None, HOLD_GIL)
    if m is None:
        return None
    rest = m.group("rest").strip()
    num = cn_to_int(m.group("num")) if m.group("num") else None
    if (num is None and rest) or (rest and compiled(r"^\d+\s*[.、]").match(rest)):
        return None
    if rest and not _plan_title_like(rest):
        return None
    return num, rest


def _attachment_list(lines: list[Line], body: list[int], search_from: int) -> tuple[list[Attachment], int | None,
                                                                                     int | None]:
    """The announced 附件 list: (attachments, first line, last line)."""
    t = _tables()
    for n, i in enumerate(body):
        if i < search_from:
            continue
        m = t["attachment_list_start"].match(lines[i].content, None, None, HOLD_GIL)
        following = body[n + 1:]
        if m is None:
            m = t["attachment_list_numbered"].match(lines[i].content, None, None, HOLD_GIL)
            if m is None or not following or _list_item(lines[following[0]].content, 2) is None:
                continue
        attachments: list[Attachment] = []
        rest = m.group("rest").strip()
        first = t["attachment_item"].match(rest)
        if first:
            attachments.append(Attachment(index=int(first.group("num")), title=_strip_title(first.group("title"))))
        elif rest:
            attachments.append(Attachment(index=1, title=_strip_title(rest)))
        elif not following or not _starts_attachment_list(lines[following[0]].content):
            continue  # a bare 附件： with no list after it announces nothing
        last = i
        for j in following:
            item = _list_item(lines[j].content, attachments[-1].index + 1 if attachments else 1)
            if item is None:
                break
            attachments.append(item)
            last = j
        return attachments, i, last
    return [], None, None


def _list_item(content: str, expected: int) -> Attachment | None:
    """An item of the 附件 list: a plan's title (1.…方案), or any title-shaped line numbered next
    (2.白玉兰栽植和养护技术要求 after 1.): the numbering carries a list the end words do not."""
    item = _tables()["attachment_item"].match(content, None, None, HOLD_GIL)
    if item is None:
        return None
    index, title = int(item.group("num")), _strip_title(item.group("title"))
    if _plan_title_like(title) or (index == expected and _title_shaped(title)):
        return Attachment(index=index, title=title)
    return None


def _starts_attachment_list(content: str) -> bool:
    """Whether a line after a bare 附件： is the list's first item."""
    return _list_item(content, 1) is not None


def _annexes(lines: list[Line], body: list[int], after: int) -> list[tuple[int, int, list[int]]]:
    """(line, number, title lines) of every 附件N heading after line `after`."""
    out: list[tuple[int, int, list[int]]] = []
    for k, i in enumerate(body):
        if i < after:
            continue
        found = _annex_heading(lines, i)
        if found is None:
            continue
        num, title = found
        title_lines = [i] if title else _title_lines(lines, body[k + 1:k + 4])
        out.append((i, num or len(out) + 1, title_lines))
    return out


def _inline_documents(lines: list[Line], body: list[int], after: int) -> list[tuple[int, int, list[int]]]:
    """A notice circulating several documents printed one after another with no 附件 label (印发A和B两个
    规定的通知): each later one opens with its own title line, and its outline starts again at 一、 after
    the one before had its own. (line, number, title lines) as `_annexes` gives."""
    out: list[tuple[int, int, list[int]]] = []
    outlined = False  # the document before has a top-level heading of its own
    for k, i in enumerate(body):
        if i < after:
            continue
        if _first_top_heading(lines[i].content):
            outlined = True
            continue
        if not outlined:
            continue
        title = _title_lines(lines, body[k:k + 3])
        nxt = body[k + len(title):k + len(title) + 3]
        if title and any(_first_top_heading(lines[j].content) for j in nxt):
            out.append((i, len(out) + 1, title))
    return out


def _first_top_heading(content: str) -> bool:
    """A line opening with 一、 (the first heading of a document's outline: segment.yaml first_heading)."""
    return _tables()["first_heading"].match(content, None, None, HOLD_GIL) is not None


def _strip_title(s: str) -> str:
    s = s.strip()
    for opening, closing in (("《", "》"), ("“", "”")):
        if s.startswith(opening) and s.endswith(closing):
            s = s[1:-1]
    return s.rstrip(";,。").strip()


def _title_lines(lines: list[Line], following: list[int]) -> list[int]:
    """The line(s) holding a plan title at the start of `following`: one line, or a title broken
    over two or three short lines (邵东市实施“七大攻坚” / 总体方案); [] when there is none."""
    joined = ""
    for k, i in enumerate(following):
        content = lines[i].content
        if len(content) > 40 or any(c in content for c in "。,:") or _annex_heading(lines, i):
            break
        if k and _tables()["outline_marker"].match(content):
            break
        joined += _squash(content)
        if _plan_title_like(joined):
            return following[: k + 1]
    return []


def _clean_title(text: str, lines: list[Line], idx: list[int]) -> str:
    """The title as written on its line(s), the 附件N label and line breaks removed."""
    parts = []
    for i in idx:
        raw = text[lines[i].cstart:lines[i].cend]
        m = _tables()["annex_heading"].match(raw, None, None, HOLD_GIL)
        if m and m.group("rest").strip():  # 附件1 title on one line
            raw = raw[m.start("rest"):]
        parts.append(_squash(raw.strip()))
    return _strip_title("".join(parts))


def _title_from_notice(title: str | None) -> str | None:
    if not title:
        return None
    m = compiled(r"《([^》]+)》").search(title)
    return m.group(1) if m else None


# --- 4. pieces ---------------------------------------------------------------------------------


def segment(state: ParseState) -> Segmentation:
    """Split the decoded text into notice head, parts and unassigned spans."""
    lines = state.lines
    frame = _frame(state)
    body = [i for i in range(frame.lead_end, frame.trail_start) if lines[i].content]
    head = _find_head(state, frame, body)
    annexes_after = frame.lead_end
    if head is not None:
        if head.form == "direct":
            # the signature closes the body before the first annex (附件 list lines may stand before it)
            annex_lines = _annexes(lines, body, head.last + 1)
            stop = annex_lines[0][0] if annex_lines else frame.trail_start
            _close_direct(state, frame, body, head, stop)
        else:
            _close_covering(state, frame, body, head)
            if _body_is_outline(lines, body, head):
                # 印发…举措的通知 whose own body is the numbered measures (no plan title before them):
                # the body is the plan, as in a document issued directly
                head.form, head.last, head.date = "direct", head.first_last, None
                annex_lines = _annexes(lines, body, head.last + 1)
                _close_direct(state, frame, body, head, annex_lines[0][0] if annex_lines else frame.trail_start)
        annexes_after = head.last + 1
    search_from = head.first if head is not None else frame.lead_end
    attachments, att_first, att_last = _attachment_list(lines, body, search_from)
    after = max(x for x in (annexes_after - 1, att_last, frame.lead_end - 1) if x is not None) + 1
    if head is not None and head.signature is not None:
        after = max(after, head.signature[1] + 1)
    annex_at = _annexes(lines, body, after)
    if not annex_at:
        annex_at = _inline_documents(lines, body, after)
    return _pieces(state, frame, body, head, (attachments, att_first, att_last), annex_at)


def _pieces(state: ParseState, frame: _Frame, body: list[int], head: _Head | None,
            att: tuple[list[Attachment], int | None, int | None],
            annex_at: list[tuple[int, int, list[int]]]) -> Segmentation:
    """The pieces in reading order; each runs to the start of the next, so blank lines go with the
    piece before them and the pieces tile the text."""
    lines, text = state.lines, state.text
    attachments, att_first, _ = att
    trail_at = lines[frame.trail_start].start if frame.trail_start < len(lines) else len(text)
    att_separate = att_first is not None and (head is None or att_first > head.last)
    if att_separate and head is not None and head.signature is not None and att_first is not None:
        att_separate = not (head.signature[0] <= att_first <= head.signature[1])
    pieces: list[tuple[int, str, Any]] = []
    if frame.front is not None:
        pieces.append((lines[frame.front[0]].start, "front", None))
    if head is not None:
        pieces.append((lines[head.first].start, "notice", None))
    if att_separate and att_first is not None:
        pieces.append((lines[att_first].start, "attachments", None))
    signature_at = head.signature[0] if head is not None and head.signature is not None else None
    if signature_at is not None:
        pieces.append((lines[signature_at].start, "signature", None))
    gp_first = head.last + 1 if head is not None else frame.lead_end
    gp_stop = min([x for x in (annex_at[0][0] if annex_at else None, signature_at,
                               att_first if att_separate else None) if x is not None and x >= gp_first]
                  or [frame.trail_start])
    gp_lines = [i for i in body if gp_first <= i < gp_stop]
    if gp_lines:
        gp_title_lines = _title_lines(lines, gp_lines[:3])
        if head is None and not gp_title_lines:
            state.warn("no-title", "no plan title line found; the part has no title", part="general")
        pieces.append((lines[gp_lines[0]].start, "general", gp_title_lines))
    for entry in annex_at:
        pieces.append((lines[entry[0]].start, "annex", entry))
    pieces.sort(key=lambda p: p[0])
    return _assemble(state, frame, head, attachments, pieces, trail_at)


def _assemble(state: ParseState, frame: _Frame, head: _Head | None, attachments: list[Attachment],
              pieces: list[tuple[int, str, Any]], trail_at: int) -> Segmentation:
    lines, text = state.lines, state.text
    first_at = pieces[0][0] if pieces else trail_at
    unassigned: list[Unassigned] = []
    if first_at > 0:
        unassigned.append(Unassigned(span=(0, first_at), text=text[:first_at],
                                          reason="before the document (page chrome)"))
    spans: dict[str, Span] = {}
    parts: list[PartSlice] = []
    for k, (start, kind, payload) in enumerate(pieces):
        end = pieces[k + 1][0] if k + 1 < len(pieces) else trail_at
        if kind in ("notice", "attachments", "signature") and head is not None:
            spans[kind] = (start, end)
        elif kind == "front":
            unassigned.append(Unassigned(span=(start, end), text=text[start:end],
                                              reason="front matter added by a repository"))
        elif kind == "attachments":
            unassigned.append(Unassigned(span=(start, end), text=text[start:end], reason="attachment list"))
        elif kind == "general":
            default = (head.title if head is not None and head.form == "direct"
                       else _title_from_notice(head.title if head else None))
            gp_title = _clean_title(text, lines, payload) if payload else default
            head_span = (start, lines[payload[-1]].end) if payload else None
            parts.append(PartSlice(id="general", kind="general_plan", title=gp_title, span=(start, end),
                                   head_span=head_span, body_start=head_span[1] if head_span else start))
        else:
            i, num, title_lines = payload
            head_end = min(lines[title_lines[-1] if title_lines else i].end, end)
            parts.append(PartSlice(id=f"annex-{num}", kind="annex", annex_no=num,
                                   title=_clean_title(text, lines, title_lines) if title_lines else None,
                                   span=(start, end), head_span=(start, head_end), body_start=head_end))
    if trail_at < len(text):
        unassigned.append(Unassigned(span=(trail_at, len(text)), text=text[trail_at:],
                                          reason="after the document (page chrome, colophon)"))
    notice = _notice(state, frame, head, attachments, spans)
    if notice is not None:
        _cross_check(state, notice, parts)
    parts = _unique_ids(state, parts)
    return Segmentation(notice=notice, parts=parts, unassigned=unassigned, warnings=[])


def _notice(state: ParseState, frame: _Frame, head: _Head | None, attachments: list[Attachment],
            spans: dict[str, Span]) -> Notice | None:
    if head is None:
        return None
    fields: dict[str, Any] = {"issuer": head.issuer, "title": head.title, "doc_number": head.doc_number,
                              "date": head.date}
    _from_front_matter(state, frame, fields)
    return Notice(**fields, recipients=head.recipients, attachments=attachments, span=spans["notice"],
                       attachments_span=spans.get("attachments"), signature_span=spans.get("signature"),
                       form=head.form)


def _unique_ids(state: ParseState, parts: list[PartSlice]) -> list[PartSlice]:
    """Two annex headings with one number (附件7 twice): the later one gets the next free number."""
    seen: set[str] = set()
    out: list[PartSlice] = []
    # numbers past the highest written one are free until given: one counter, not a search per part
    no = max((q.annex_no or 0 for q in parts), default=0)
    for p in parts:
        if p.id in seen and p.annex_no is not None:
            no += 1
            while f"annex-{no}" in seen:
                no += 1
            state.warn("duplicate-annex", f"附件{p.annex_no} appears twice; the second is read as 附件{no}",
                       part=f"annex-{no}")
            p = PartSlice(id=f"annex-{no}", kind=p.kind, annex_no=no, title=p.title, span=p.span,
                          head_span=p.head_span, body_start=p.body_start)
        seen.add(p.id)
        out.append(p)
    return out


def _cross_check(state: ParseState, notice: Notice, parts: list[PartSlice]) -> None:
    """Warn where the announced 附件 list and the annexes found disagree."""
    annexes = {p.annex_no: p for p in parts if p.kind == "annex"}
    announced = {a.index: a for a in notice.attachments}
    for index, att in announced.items():
        found = annexes.get(index)
        if found is None:
            state.warn("attachment-missing", f"附件{index} {att.title!r} is announced but not found in the text",
                       part="notice")
        # (the list is read from the normalized lines, a title from the text: compared normalized)
        elif found.title and _squash(normalize(found.title)) != _squash(att.title):
            state.warn("attachment-title-mismatch", f"附件{index} is announced as {att.title!r} but titled "
                       f"{found.title!r}", part=found.id)
    if announced:
        for no, p in annexes.items():
            if no not in announced:
                state.warn("attachment-unannounced", f"附件{no} is not in the notice's 附件 list", part=p.id)
