"""One parsed `Document` → rows of every table (column lists, then Arrow tables)."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..model.output import Document, Node, Part, Target, TaskForce
from .schema import PATH_SEPARATOR, TABLES, columns, schema

Rows = dict[str, dict[str, list[Any]]]


def empty_rows() -> Rows:
    """Column lists for every table, all empty."""
    return {table: {name: [] for name in columns(table)} for table in TABLES}


def _add(rows: Rows, table: str, **values: Any) -> None:
    cols = rows[table]
    for name, column in cols.items():
        column.append(values[name])


def _path(path: list[str] | None) -> str | None:
    return None if path is None else PATH_SEPARATOR.join(path)


def _span(span: tuple[int, int] | None) -> tuple[int | None, int | None]:
    return (None, None) if span is None else (span[0], span[1])


def document_rows(doc: Document, source: str, nbytes: int) -> Rows:
    """The rows `doc` (read from `source`, `nbytes` long) contributes to each table."""
    rows = empty_rows()
    sha = doc.source.sha256
    totals = {"nodes": 0, "responsibilities": 0, "targets": 0, "task_forces": 0}
    for part_index, part in enumerate(doc.parts):
        for key, n in _part_rows(rows, sha, part_index, part).items():
            totals[key] += n
    _warning_rows(rows, sha, doc)
    _document_row(rows, sha, doc, source, nbytes, totals)
    return rows


def _part_rows(rows: Rows, sha: str, part_index: int, part: Part) -> dict[str, int]:
    """The rows of one part (its row, its nodes, targets, units and task force); its counts."""
    indexed = _walk(part.nodes)
    part_targets = len(part.targets) + sum(len(n.targets) for n, _ in indexed)
    part_resp = sum(n.responsibility is not None for n, _ in indexed)
    start, end = part.span
    _add(rows, "parts", sha256=sha, part_id=part.id, part_index=part_index, kind=part.kind,
         annex_no=part.annex_no, title=part.title, start=start, end=end, preamble=part.preamble,
         nodes=len(indexed), targets=part_targets, responsibilities=part_resp,
         has_task_force=part.task_force is not None)
    target_index = 0
    for target in part.targets:
        _target(rows, sha, part.id, target_index, None, None, target)
        target_index += 1
    for node_index, (node, parent) in enumerate(indexed):
        path = _node_rows(rows, sha, part.id, node_index, parent, node)
        for target in node.targets:
            _target(rows, sha, part.id, target_index, node_index, path, target)
            target_index += 1
    if part.task_force is not None:
        _task_force_rows(rows, sha, part.id, part.task_force)
    return {"nodes": len(indexed), "responsibilities": part_resp, "targets": part_targets,
            "task_forces": int(part.task_force is not None)}


def _node_rows(rows: Rows, sha: str, part_id: str, node_index: int, parent: int | None, node: Node) -> str | None:
    """The row of one node and the rows of its responsible units; its path as stored."""
    path = _path(node.path)
    t_start, t_end = node.title_span
    _add(rows, "nodes", sha256=sha, part_id=part_id, node_index=node_index, parent_index=parent,
         path=path, depth=len(node.path), marker=node.marker, damaged=node.damaged, role=node.role,
         origin=node.origin, title=node.title, text=node.text, start=node.span[0], end=node.span[1],
         title_start=t_start, title_end=t_end, has_responsibility=node.responsibility is not None,
         targets=len(node.targets))
    resp = node.responsibility
    if resp is not None:
        for role, units in (("lead", resp.lead), ("support", resp.support), ("joint", resp.joint)):
            for position, unit in enumerate(units):
                _add(rows, "responsibilities", sha256=sha, part_id=part_id, node_index=node_index,
                     path=path, role=role, position=position, unit=unit, raw=resp.raw)
    return path


def _task_force_rows(rows: Rows, sha: str, part_id: str, tf: TaskForce) -> None:
    tf_start, tf_end = _span(tf.span)
    _add(rows, "task_forces", sha256=sha, part_id=part_id, name=tf.name, convener=tf.convener,
         executive_deputy=tf.executive_deputy, deputies=len(tf.deputies), members=len(tf.members),
         office=tf.office, raw=tf.raw, start=tf_start, end=tf_end)
    people = [("convener", [tf.convener] if tf.convener else []),
              ("executive_deputy", [tf.executive_deputy] if tf.executive_deputy else []),
              ("deputy", tf.deputies), ("member", tf.members)]
    for role, names in people:
        for position, unit in enumerate(names):
            _add(rows, "task_force_members", sha256=sha, part_id=part_id, role=role,
                 position=position, unit=unit)


def _warning_rows(rows: Rows, sha: str, doc: Document) -> None:
    for warning_index, w in enumerate(doc.warnings):
        w_start, w_end = _span(w.span)
        _add(rows, "warnings", sha256=sha, warning_index=warning_index, code=w.code, part_id=w.part,
             path=_path(w.path), message=w.message, start=w_start, end=w_end)


def _document_row(rows: Rows, sha: str, doc: Document, source: str, nbytes: int, totals: dict[str, int]) -> None:
    notice = doc.notice
    chars = doc.source.chars
    unassigned = sum(u.span[1] - u.span[0] for u in doc.unassigned)
    date = notice.date if notice else None
    _add(rows, "documents", sha256=sha, source=source, file=doc.source.file, format=doc.source.format,
         encoding=doc.source.encoding, bytes=nbytes, chars=chars, schema_version=doc.schema_version,
         parser_version=__version__, issuer=notice.issuer if notice else None,
         doc_number=notice.doc_number if notice else None, title=notice.title if notice else None,
         date=date, year=date.year if date else None,
         recipients="、".join(notice.recipients) if notice and notice.recipients else None,
         attachments=len(notice.attachments) if notice else 0, parts=len(doc.parts),
         nodes=totals["nodes"], responsibilities=totals["responsibilities"], targets=totals["targets"],
         task_forces=totals["task_forces"], warnings=len(doc.warnings), unassigned_chars=unassigned,
         coverage=1.0 - unassigned / chars if chars else 0.0)


def error_rows(source: str, sha256: str | None, nbytes: int | None, kind: str, message: str) -> Rows:
    """The single errors row of a source that could not be read or parsed."""
    rows = empty_rows()
    _add(rows, "errors", sha256=sha256, source=source, bytes=nbytes, kind=kind, error=message)
    return rows


def _walk(nodes: list[Node]) -> list[tuple[Node, int | None]]:
    """Nodes in reading order, each with the index of its parent (None at the top)."""
    out: list[tuple[Node, int | None]] = []

    def visit(node: Node, parent: int | None) -> None:
        index = len(out)
        out.append((node, parent))
        for child in node.children:
            visit(child, index)

    for node in nodes:
        visit(node, None)
    return out


def _target(rows: Rows, sha: str, part_id: str, index: int, node_index: int | None, path: str | None,
            t: Target) -> None:
    _add(rows, "targets", sha256=sha, part_id=part_id, target_index=index, node_index=node_index, path=path,
         metric=t.metric, change=t.change, value=t.value, value_max=t.value_max, unit=t.unit, bound=t.bound,
         aspirational=t.aspirational, commitment=t.commitment, quote=t.quote, start=t.span[0], end=t.span[1])


def to_arrow(rows: Rows) -> dict[str, Any]:
    """Arrow tables of the non-empty tables of `rows`."""
    import pyarrow as pa

    return {table: pa.Table.from_pydict(cols, schema=schema(table))
            for table, cols in rows.items() if cols[next(iter(cols))]}
