"""Similarity of short Chinese phrases (metric wordings, titles) across years and places.

Phrases are normalized with the genre table `data/metric_synonyms.yaml` (place names,
leading verbs, synonyms), cut into character bigrams, and compared with a Dice coefficient
weighted by rarity among the phrases being matched: bigrams every metric shares (增加, 加值)
weigh less than the ones that tell metrics apart (规模, 第一). Bigrams need no dictionary.
Titles (parts, tasks) are compared on jieba words as well as bigrams, so that 推动增收减负 and
推动居民增收 share the words 推动 and 增收 rather than only characters; jieba's default
dictionary is loaded on first need (rjieba, ~0.1 s; only in `qigong diff`, never in `parse`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..model.output import Document
from ..rules import load_table
from ..text.normalize import normalize

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_RUN = re.compile(rf"[{_CJK}]+|[A-Za-z0-9&.%]+")
CANDIDATES = 16  # new phrases scored per old phrase (top by shared token weight)
MAX_POSTINGS = 512  # a token shared by more new phrases than this is not followed for candidates


@dataclass(frozen=True)
class Rules:
    """The matching table, loaded once from `data/metric_synonyms.yaml`."""

    place_levels: tuple[str, ...]
    place_qualifiers: tuple[str, ...]
    leading_words: tuple[str, ...]
    particles: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...]
    share_markers: tuple[str, ...]
    share_suffixes: tuple[str, ...]
    distinct_groups: tuple[tuple[str, ...], ...]
    title_genre_words: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Load the matching table (cached)."""
    data = load_table("metric_synonyms.yaml")
    synonyms = sorted(data.get("synonyms", {}).items(), key=lambda kv: -len(kv[0]))
    return Rules(
        place_levels=tuple(data["place_levels"]),
        place_qualifiers=tuple(data["place_qualifiers"]),
        leading_words=tuple(sorted(data["leading_words"], key=len, reverse=True)),
        particles=tuple(data.get("particles", [])),
        synonyms=tuple((str(k), str(v)) for k, v in synonyms),
        share_markers=tuple(data.get("share_markers", [])),
        share_suffixes=tuple(data.get("share_suffixes", [])),
        distinct_groups=tuple(tuple(g) for g in data.get("distinct_groups", [])),
        title_genre_words=tuple(sorted(data.get("title_genre_words", []), key=len, reverse=True)),
    )


def places_of(doc: Document) -> tuple[str, ...]:
    """The document's own place names ("邵东市", "邵东"), from its issuer and part titles."""
    r = rules()
    levels = "".join(r.place_levels)
    pattern = re.compile(rf"^([{_CJK}]{{2,4}}?)([{levels}])(?:人民政府|实施|[{_CJK}]*方案)")
    found: list[str] = []
    candidates = [doc.notice.issuer if doc.notice else None] + [p.title for p in doc.parts]
    for text in candidates:
        m = pattern.match(text or "")
        if m and m.group(1) + m.group(2) not in found:
            found.append(m.group(1) + m.group(2))
    # the full name first, then the bare name (邵东市 before 邵东)
    names = found + [name[:-1] for name in found]
    return tuple(sorted(set(names), key=len, reverse=True))


def _clean(text: str, places: Sequence[str]) -> str:
    r = rules()
    text = normalize(text)
    text = "".join(_RUN.findall(text))  # drop punctuation, quotes, spaces
    for place in places:
        text = text.replace(place, "")
    for q in r.place_qualifiers:
        for level in r.place_levels:
            text = text.replace(q + level, "")
    return text


def normalize_metric(metric: str, places: Sequence[str] = ()) -> str:
    """Canonical wording of a metric: no place, no leading verb, synonyms applied."""
    r = rules()
    text = _clean(metric, places)
    for variant, canonical in r.synonyms:
        text = text.replace(variant, canonical)
    changed = True
    while changed:
        changed = False
        for word in r.leading_words:
            if text.startswith(word) and len(text) - len(word) >= 2:
                text = text[len(word):]
                changed = True
    for particle in r.particles:
        text = text.replace(particle, "")
    return text


def normalize_title(title: str | None, places: Sequence[str] = ()) -> str:
    """Canonical wording of a part or task title: no place, no genre words."""
    text = _clean(title or "", places)
    for word in rules().title_genre_words:
        text = text.replace(word, "")
    for particle in rules().particles:
        text = text.replace(particle, "")
    return text


def tokens(text: str) -> list[str]:
    """Character bigrams of each CJK run (a lone character stands for itself), ASCII runs whole."""
    out: list[str] = []
    for run in _RUN.findall(text):
        if not re.match(rf"[{_CJK}]", run) or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


@lru_cache(maxsize=1)
def _word_segmenter() -> Callable[[str], list[str]]:
    """Words of a phrase over jieba's default dictionary, without its HMM for unknown words.

    rjieba (jieba-rs: the same dictionary and algorithm, in Rust) loads in ~0.1 s where jieba
    builds its prefix dictionary in ~1 s; both cut the 3,238 titles and metrics of the test and
    corpus notices identically. jieba, in memory (no cache file, no log lines), when rjieba is
    not installed.
    """
    try:
        import rjieba
    except ImportError:
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(jieba.get_dict_file())
        tokenizer.initialized = True
        return lambda text: list(tokenizer.lcut(text, HMM=False))
    return lambda text: list(rjieba.cut(text, hmm=False))


def title_tokens(text: str) -> list[str]:
    """Words (jieba) and character bigrams of a title: word-level overlap, bigram robustness."""
    words = [w for w in _word_segmenter()(text) if len(w) > 1 and _RUN.fullmatch(w)]
    return [f"w:{w}" for w in words] + tokens(text)


class Scorer:
    """Weighted Dice similarity over a fixed set of phrases (weights = inverse token frequency)."""

    def __init__(self, phrases: Iterable[str], tokenize: Callable[[str], list[str]] | None = None) -> None:
        self._tokenize = tokenize or tokens
        self._bags: dict[str, Counter[str]] = {}  # each phrase tokenized once, not once per pair
        bags = [set(self.bag(p)) for p in phrases]
        self._n = max(len(bags), 1)
        self._df: Counter[str] = Counter(tok for bag in bags for tok in bag)

    def bag(self, phrase: str) -> Counter[str]:
        """The tokens of `phrase` with their counts (cached)."""
        found = self._bags.get(phrase)
        if found is None:
            found = self._bags[phrase] = Counter(self._tokenize(phrase))
        return found

    def candidates(self, olds: Sequence[str], news: Sequence[str], k: int = CANDIDATES,
                   max_postings: int = MAX_POSTINGS) -> list[list[int]]:
        """Per old phrase, the indexes of the new phrases worth scoring: at most `k`, best first.

        Only phrases sharing a token can score above 0, so candidates come from an inverted index
        of the new phrases; they are ranked by the weight of the tokens they share. A token in more
        than `max_postings` new phrases weighs little and is not followed (it would make the search
        quadratic again). Memory and time grow with (n + m) · k instead of n · m; when every phrase
        has at most `k` sharers (small documents) the result is exactly the all-pairs one.
        """
        postings: dict[str, list[int]] = {}
        for j, phrase in enumerate(news):
            for token in self.bag(phrase):
                postings.setdefault(token, []).append(j)
        out: list[list[int]] = []
        for phrase in olds:
            shared: dict[int, float] = {}
            for token in self.bag(phrase):
                found = postings.get(token)
                if found is None or len(found) > max_postings:
                    continue
                weight = self.weight(token)
                for j in found:
                    shared[j] = shared.get(j, 0.0) + weight
            if len(shared) <= k:
                out.append(sorted(shared))
            else:
                out.append(sorted(sorted(shared, key=lambda j: (-shared[j], j))[:k]))
        return out

    def weight(self, token: str) -> float:
        """Rarer bigrams weigh more; unseen ones weigh most."""
        return math.log(1 + self._n / max(self._df.get(token, 0), 1))

    def score(self, a: str, b: str) -> float:
        """Similarity in [0, 1]; 1 for equal phrases."""
        if a == b:
            return 1.0 if a else 0.0
        ta, tb = self.bag(a), self.bag(b)
        shared = sum(min(ta[t], tb[t]) * self.weight(t) for t in ta.keys() & tb.keys())
        total = sum(c * self.weight(t) for bag in (ta, tb) for t, c in bag.items())
        return 2 * shared / total if total else 0.0


def _share_split(metric: str) -> tuple[str, str] | None:
    r = rules()
    for marker in r.share_markers:
        if marker in metric:
            subject, _, base = metric.partition(marker)
            return subject, base
    for suffix in r.share_suffixes:
        if metric.endswith(suffix):
            return metric[: -len(suffix)], suffix
    return None


def _distinct(a: str, b: str) -> bool:
    """Whether the metrics name different members of a distinguishing group, or different figures."""
    for group in rules().distinct_groups:
        ga = {w for w in group if w in a}
        gb = {w for w in group if w in b}
        if ga and gb and ga != gb:
            return True
    fa = re.findall(r"\d+(?:\.\d+)?", a)
    fb = re.findall(r"\d+(?:\.\d+)?", b)
    return fa != fb


def metric_similarity(a: str, b: str, scorer: Scorer) -> float:
    """Similarity of two normalized metrics; shares compare subject to subject."""
    if _distinct(a, b):
        return 0.0
    whole = scorer.score(a, b)
    sa, sb = _share_split(a), _share_split(b)
    if sa is None and sb is None:
        return whole
    if sa is None or sb is None:
        return whole * 0.5  # a share is not the same statistic as a level or a growth
    return min(whole, scorer.score(sa[0], sb[0]))


def match_pairs(n_old: int, n_new: int, score: Callable[[int, int], float], threshold: float,
                tiebreak: Callable[[int, int], float] | None = None,
                candidates: Sequence[Sequence[int]] | None = None) -> list[tuple[int, int, float]]:
    """One-to-one greedy matching: best pairs first, each side used once, scores ≥ threshold.

    `candidates[i]` limits the new items scored against old item i (all of them when None).
    """
    pairs: list[tuple[float, float, int, int]] = []
    for i in range(n_old):
        for j in (range(n_new) if candidates is None else candidates[i]):
            s = score(i, j)
            if s >= threshold:
                pairs.append((s, tiebreak(i, j) if tiebreak else 0.0, i, j))
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for s, _, i, j in pairs:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        out.append((i, j, s))
    return sorted(out, key=lambda p: (p[1], p[0]))
