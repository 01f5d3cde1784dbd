"""Segmentation stage: decoded text → notice head, parts (general plan, annexes), unassigned chrome.

Works line by line on the normalized text with the tables in ``data/segment.yaml``. Every
character ends up in exactly one piece: leading/trailing page chrome (unassigned), the notice
head, the announced 附件 list, or a part; blank lines go with the piece before them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

from ..model.output import Attachment, Notice, ParseWarning, PartSlice, Segmentation, Span, Unassigned
from ..rules import load_table
from .outline import cn_to_int

_SPACES = regex.compile(r"\s+")


@dataclass(frozen=True)
class _Line:
    start: int  # line start
    end: int  # after its line break
    cstart: int  # content start (indentation skipped)
    cend: int  # content end (trailing blanks skipped)
    content: str  # normalized, stripped


@cache
def _tables() -> dict[str, Any]:
    t = load_table("segment.yaml")
    compiled: dict[str, Any] = {"chrome": [regex.compile(p) for p in t["chrome"]]}
    for key, value in t.items():
        if key != "chrome":
            compiled[key] = regex.compile(value)
    return compiled


def _lines(norm: str) -> list[_Line]:
    out = []
    pos, n = 0, len(norm)
    while pos < n:
        nl = norm.find("\n", pos)
        end = n if nl < 0 else nl + 1
        raw = norm[pos:end]
        stripped = raw.strip()
        if stripped:
            cstart = pos + (len(raw) - len(raw.lstrip()))
            cend = pos + len(raw.rstrip())
        else:
            cstart = cend = pos
        out.append(_Line(pos, end, cstart, cend, stripped))
        pos = end
    return out


def _outside(line: _Line, outside: list[Span]) -> bool:
    return any(s <= line.cstart and line.cend <= e for s, e in outside)


def _is_chrome(line: _Line, outside: list[Span]) -> bool:
    if not line.content:
        return False
    if _outside(line, outside):
        return True
    return len(line.content) <= 200 and any(p.search(line.content) for p in _tables()["chrome"])


def _squash(s: str) -> str:
    return _SPACES.sub("", s)


def _parse_date(m: Any) -> dt.date | None:
    try:
        y, mo, d = (cn_to_int(_cn_year_digits(m.group(k))) for k in ("y", "m", "d"))
        if y is None or mo is None or d is None:
            return None
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _cn_year_digits(s: str) -> str:
    digits = "〇一二三四五六七八九"
    if len(s) == 4 and all(c in digits + "零○" for c in s):
        return "".join(str(digits.index(c)) if c in digits else "0" for c in s)
    return s


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
    if regex.fullmatch(r".+[〔\[(]\d{4}[〕\])]\d{1,4}号", written):
        return written, False  # complete as written, whatever its brackets (新政办发[2024]8号)
    restored = f"{head}〔{m.group('year')}〕{no}号"
    return restored, _squash(written) != restored


def _split_recipients(s: str) -> list[str]:
    out: list[str] = []
    for chunk in regex.split(r"[,;]", s):
        pieces = [p.strip() for p in chunk.split("、") if p.strip()]
        merged: list[str] = []
        for p in pieces:
            # A bare administrative level (省、市 …) belongs with the name after it.
            if merged and len(merged[-1]) == 1:
                merged[-1] = merged[-1] + "、" + p
            else:
                merged.append(p)
        out.extend(merged)
    return out


def _plan_title_like(content: str) -> bool:
    return (4 <= len(content) <= 60 and "。" not in content and "," not in content
            and not _tables()["outline_marker"].match(content)
            and bool(_tables()["plan_title_end"].search(content)))


def _annex_heading(lines: list[_Line], i: int) -> tuple[int | None, str] | None:
    """(annex number, title on the same line) if line i is an 附件N heading (not the 附件: list)."""
    t = _tables()
    content = lines[i].content
    if len(content) > 80:
        return None
    m = t["annex_heading"].match(content)
    if m is None:
        return None
    rest = m.group("rest").strip()
    num = cn_to_int(m.group("num")) if m.group("num") else None
    if num is None and rest:
        return None
    if rest and regex.match(r"^\d+\s*[.、]", rest):
        return None
    if rest and not _plan_title_like(rest):
        return None
    return num, rest


def segment(text: str, norm: str, outside: list[Span] | None = None) -> Segmentation:
    """Split the decoded text into notice head, parts and unassigned spans."""
    t = _tables()
    outside = outside or []
    lines = _lines(norm)
    n = len(lines)
    warnings: list[ParseWarning] = []

    # 1. Page chrome at the top and at the bottom.
    nonblank = [i for i, ln in enumerate(lines) if ln.content]
    # Lines a reader already knows are outside the document (HTML site chrome) come first, however
    # many; then the chrome patterns are looked for among the first lines that follow.
    known = 0
    while known < len(nonblank) and _outside(lines[nonblank[known]], outside):
        known += 1
    lead_end = nonblank[known - 1] + 1 if known else 0  # index of the first line after the leading chrome
    for i in nonblank[known:known + 15]:
        if _is_chrome(lines[i], outside):
            lead_end = i + 1
    while lead_end < n and not lines[lead_end].content:
        lead_end += 1
    trail_start = n
    i = n - 1
    while i >= lead_end and (not lines[i].content or _is_chrome(lines[i], outside)):
        i -= 1
    trail_start = i + 1
    while trail_start < n and not lines[trail_start].content:
        trail_start += 1  # blank lines after the document stay with it
    body = [i for i in range(lead_end, trail_start) if lines[i].content]

    # 2. The notice head.
    notice, head_first, head_last = _find_notice(lines, body, lead_end, warnings, text)

    # 3. The announced 附件 list, wherever it stands.
    att_first = att_last = None
    attachments: list[Attachment] = []
    search_from = head_first if head_first is not None else lead_end
    for i in body:
        if i < search_from:
            continue
        m = t["attachment_list_start"].match(lines[i].content)
        if m is None:
            continue
        att_first = att_last = i
        rest = m.group("rest").strip()
        first = t["attachment_item"].match(rest)
        if first:
            attachments.append(Attachment(index=int(first.group("num")), title=_strip_title(first.group("title"))))
        elif rest:
            attachments.append(Attachment(index=1, title=_strip_title(rest)))
        for j in body[body.index(i) + 1:]:
            item = t["attachment_item"].match(lines[j].content)
            if item is None or not _plan_title_like(_strip_title(item.group("title"))):
                break
            attachments.append(Attachment(index=int(item.group("num")), title=_strip_title(item.group("title"))))
            att_last = j
        break
    if notice is not None:
        notice = notice.model_copy(update={"attachments": attachments})

    # 4. Annex headings (after the head and after the list).
    after = max(x for x in (head_last, att_last, lead_end - 1) if x is not None) + 1
    annex_at: list[tuple[int, int, list[int]]] = []  # (line, number, title lines)
    for k, i in enumerate(body):
        if i < after:
            continue
        found = _annex_heading(lines, i)
        if found is None:
            continue
        num, title = found
        title_lines = [i] if title else _title_lines(lines, body[k + 1:k + 4])
        num = num or len(annex_at) + 1
        annex_at.append((i, num, title_lines))

    # 5. Pieces in reading order; each runs to the start of the next, so blank lines go with
    #    the piece before them and the pieces tile the text.
    trail_at = _line_start(lines, trail_start, len(text))
    att_separate = att_first is not None and (head_last is None or att_first > head_last)
    pieces: list[tuple[int, str, Any]] = []
    if notice is not None and head_first is not None:
        pieces.append((lines[head_first].start, "notice", None))
    if att_separate and att_first is not None:
        pieces.append((lines[att_first].start, "attachments", None))
    gp_first = (head_last + 1) if head_last is not None else lead_end
    gp_stop = annex_at[0][0] if annex_at else trail_start
    if att_separate and att_first is not None and gp_first <= att_first < gp_stop:
        gp_stop = att_first
    gp_lines = [i for i in body if gp_first <= i < gp_stop]
    if gp_lines:
        gp_title_lines = _title_lines(lines, gp_lines[:3])
        if notice is None and not gp_title_lines:
            warnings.append(ParseWarning(code="no-title", part="general",
                                         message="no plan title line found; the part has no title"))
        pieces.append((lines[gp_lines[0]].start, "general", gp_title_lines))
    for entry in annex_at:
        pieces.append((lines[entry[0]].start, "annex", entry))
    pieces.sort(key=lambda p: p[0])
    first_at = pieces[0][0] if pieces else trail_at

    parts: list[PartSlice] = []
    unassigned: list[Unassigned] = []
    if first_at > 0:
        unassigned.append(Unassigned(span=(0, first_at), text=text[:first_at],
                                     reason="before the document (page chrome)"))
    for k, (start, kind, payload) in enumerate(pieces):
        end = pieces[k + 1][0] if k + 1 < len(pieces) else trail_at
        if kind == "notice" and notice is not None:
            notice = notice.model_copy(update={"span": (start, end)})
        elif kind == "attachments" and notice is not None:
            notice = notice.model_copy(update={"attachments_span": (start, end)})
        elif kind == "attachments":
            unassigned.append(Unassigned(span=(start, end), text=text[start:end], reason="attachment list"))
        elif kind == "general":
            gp_title = _clean_title(text, lines, payload) if payload else _title_from_notice(notice)
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
    if notice is not None:
        _cross_check(notice, parts, warnings)
    return Segmentation(notice=notice, parts=parts, unassigned=unassigned, warnings=warnings)


def _line_start(lines: list[_Line], i: int, default: int) -> int:
    return lines[i].start if i < len(lines) else default


def _strip_title(s: str) -> str:
    s = s.strip()
    for opening, closing in (("《", "》"), ("“", "”")):
        if s.startswith(opening) and s.endswith(closing):
            s = s[1:-1]
    return s.rstrip(";,。").strip()


def _title_lines(lines: list[_Line], following: list[int]) -> list[int]:
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


def _clean_title(text: str, lines: list[_Line], idx: list[int]) -> str:
    """The title as written on its line(s), the 附件N label and line breaks removed."""
    parts = []
    for i in idx:
        raw = text[lines[i].cstart:lines[i].cend]
        m = _tables()["annex_heading"].match(raw)
        if m and m.group("rest").strip():  # 附件1 title on one line
            raw = raw[m.start("rest"):]
        parts.append(raw.strip())
    return _strip_title("".join(parts))


def _title_from_notice(notice: Notice | None) -> str | None:
    if notice is None or not notice.title:
        return None
    m = regex.search(r"《([^》]+)》", notice.title)
    return m.group(1) if m else None


def _find_notice(lines: list[_Line], body: list[int], lead_end: int, warnings: list[ParseWarning],
                 text: str) -> tuple[Notice | None, int | None, int | None]:
    """The notice head: (Notice, first line, last line) or (None, None, None)."""
    t = _tables()
    window = body[:40]
    title_first = title_last = None
    title = issuer = None
    for k, i in enumerate(window):
        m = t["notice_title_start"].match(lines[i].content)
        if m is None or len(lines[i].content) > 120:
            continue
        joined, last = lines[i].content, i
        for j in window[k + 1:k + 4]:
            if t["notice_title_end"].search(_squash(joined)):
                break
            joined += lines[j].content
            last = j
        full = t["notice_title"].match(_squash(joined))
        if full is None:
            continue
        title_first, title_last = i, last
        title = full.group("title")
        issuer = full.group("issuer") or None
        break
    doc_idx = next((i for i in window if len(lines[i].content) <= 30
                    and t["doc_number"].fullmatch(_squash(lines[i].content))), None)
    after_title = [i for i in window if title_last is None or i > title_last]
    rec_idx = next((i for i in after_title if t["recipients"].match(lines[i].content)
                    and not t["doc_number"].fullmatch(_squash(lines[i].content))
                    and ("、" in lines[i].content or "," in lines[i].content or "各" in lines[i].content)), None)
    page_title = _title_from_chrome(lines, lead_end)
    if title is None and page_title is not None and rec_idx is not None:
        # The site printed the notice without its red header: the page's own heading names it.
        issuer, title = page_title
        warnings.append(ParseWarning(code="title-from-page", part="notice",
                                     message="the notice has no title line; its title is read from the page heading"))
    if title is None and not (doc_idx is not None and rec_idx is not None):
        return None, None, None
    # A notice title inside leading chrome (the page's own heading) is not the head.
    firsts = [x for x in (title_first, doc_idx, rec_idx) if x is not None]
    head_first = min(firsts)
    if title_first is not None:
        prev = [i for i in window if i < title_first]
        if prev and t["issuer"].match(lines[prev[-1]].content):
            head_first = min(head_first, prev[-1])
            issuer = lines[prev[-1]].content
    # The signature date closes the head.
    start_search = max(x for x in (title_last, doc_idx, rec_idx) if x is not None)
    date_idx = None
    date: dt.date | None = None
    for i in body:
        if i <= start_search:
            continue
        content = lines[i].content
        in_list = t["attachment_list_start"].match(content) or t["attachment_item"].match(content)
        if not in_list and i > (rec_idx or 0) + 1 and (_plan_title_like(content) or _annex_heading(lines, i)):
            break
        c = _squash(lines[i].content)
        m = t["date"].match(c)
        if m:
            date_idx, date = i, _parse_date(m)
            break
        m = t["date_run_together"].match(c)
        if m:
            date_idx = i
            readings = _dates_from_digits(m.group("digits"))
            chrome_dates = _chrome_dates(lines, lead_end)
            agreed = [d for d in readings if d in chrome_dates]
            date = agreed[0] if agreed else (readings[0] if readings else None)
            warnings.append(ParseWarning(code="damaged-date", part="notice",
                                         message=f"date {lines[i].content!r} lost 年/月/日; read as {date}"))
            break
    head_last = date_idx
    if head_last is None:
        # No signature date: the head ends before the first plan title or annex heading after it.
        head_last = start_search
        for i in body:
            if i > start_search and (_plan_title_like(lines[i].content) or _annex_heading(lines, i)):
                break
            if i > start_search:
                head_last = i
        chrome_dates = _chrome_dates(lines, lead_end)
        date = chrome_dates[0] if chrome_dates else None
        warnings.append(ParseWarning(code="no-date", part="notice",
                                     message="no signature date found in the notice head"))
    else:
        nxt = next((i for i in body if i > head_last), None)
        while nxt is not None and t["after_signature"].match(lines[nxt].content):
            head_last = nxt
            nxt = next((i for i in body if i > head_last), None)
        sig = [i for i in body if start_search < i < date_idx] if date_idx is not None else []
        if issuer is None and sig and t["issuer"].match(lines[sig[-1]].content):
            issuer = lines[sig[-1]].content
    if issuer is None:
        issuer = _issuer_from_chrome(lines, lead_end)
    doc_number = None
    if doc_idx is not None:
        written = text[lines[doc_idx].cstart:lines[doc_idx].cend].strip()
        doc_number, repaired = _restore_doc_number(_squash(written))
        if repaired:
            warnings.append(ParseWarning(code="damaged-doc-number", part="notice",
                                         message=f"doc number {written!r} read as {doc_number!r}"))
    recipients = _split_recipients(lines[rec_idx].content.rstrip(":")) if rec_idx is not None else []
    notice = Notice(issuer=issuer, title=title, doc_number=doc_number, date=date, recipients=recipients,
                    span=(lines[head_first].start, lines[head_last].end))
    return notice, head_first, head_last


def _chrome_dates(lines: list[_Line], lead_end: int) -> list[dt.date]:
    out = []
    for ln in lines[:lead_end]:
        m = _tables()["chrome_date"].search(ln.content)
        if m:
            parsed = _parse_date(m)
            if parsed:
                out.append(parsed)
    return out


def _title_from_chrome(lines: list[_Line], lead_end: int) -> tuple[str | None, str] | None:
    """(issuer, title) from a page heading in the leading chrome (邵东市人民政府办公室关于印发…的通知)."""
    for ln in lines[:lead_end]:
        m = _tables()["notice_title"].match(_squash(ln.content))
        if m:
            return (str(m.group("issuer")) or None), str(m.group("title"))
    return None


def _issuer_from_chrome(lines: list[_Line], lead_end: int) -> str | None:
    found = _title_from_chrome(lines, lead_end)
    return found[0] if found else None


def _cross_check(notice: Notice, parts: list[PartSlice], warnings: list[ParseWarning]) -> None:
    """Warn where the announced 附件 list and the annexes found disagree."""
    annexes = {p.annex_no: p for p in parts if p.kind == "annex"}
    announced = {a.index: a for a in notice.attachments}
    for index, att in announced.items():
        found = annexes.get(index)
        if found is None:
            warnings.append(ParseWarning(code="attachment-missing", part="notice",
                                         message=f"附件{index} {att.title!r} is announced but not found in the text"))
        elif found.title and _squash(found.title) != _squash(att.title):
            message = f"附件{index} is announced as {att.title!r} but titled {found.title!r}"
            warnings.append(ParseWarning(code="attachment-title-mismatch", part=found.id, message=message))
    if announced:
        for no, p in annexes.items():
            if no not in announced:
                warnings.append(ParseWarning(code="attachment-unannounced", part=p.id,
                                             message=f"附件{no} is not in the notice's 附件 list"))
