"""Chinese numerals, the one place they are read and written (一 … 九千九百九十九, 〇/零, 两, ①…⑳)."""

from __future__ import annotations

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_WRITE_DIGITS = "零一二三四五六七八九"


def cn_to_int(s: str) -> int | None:
    """Chinese numeral (一 … 九十九, 一百 …), a circled number or ASCII digits → int; None if it is none."""
    if len(s) == 1 and s in CIRCLED:
        return CIRCLED.index(s) + 1
    if s.isdecimal():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_MULTIPLIERS:
            total += (current or 1) * CN_MULTIPLIERS[ch]
            current = 0
        else:
            return None
    return total + current if s else None


def int_to_cn(n: int) -> str:
    """int → Chinese numeral as outline markers write it (十一, 二十, 一百零一, 一千); digits past 9999."""
    if n >= 10000 or n < 0:
        return str(n)
    if n < 10:
        return _WRITE_DIGITS[n]
    if n < 20:
        return "十" + (_WRITE_DIGITS[n % 10] if n % 10 else "")
    out, gap = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            out += ("零" if gap else "") + _WRITE_DIGITS[d] + unit
            gap = False
        elif out:
            gap = True
    return out


def year_digits(s: str) -> str:
    """A year written digit by digit in Chinese (二〇二五) → ASCII digits; anything else unchanged."""
    if len(s) == 4 and all(c in CN_DIGITS and CN_DIGITS[c] < 10 and c != "两" for c in s):
        return "".join(str(CN_DIGITS[c]) for c in s)
    return s


def circled(n: int) -> str:
    """① for 1 … ⑳ for 20; digits past that."""
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else str(n)
