"""The responsibility matrix: for every unit, the tasks it leads, supports or shares, per part."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from ..model.output import UNIT_ROLES, Document, UnitRole


class UnitTask(BaseModel):
    """One task a unit is named in, and how."""

    part: str
    path: list[str]
    title: str
    role: UnitRole


class UnitRow(BaseModel):
    """One unit's line of the matrix."""

    unit: str
    lead: int = 0
    support: int = 0
    joint: int = 0
    per_part: dict[str, int] = Field(default_factory=dict, description="tasks per part id")
    task_forces: list[str] = Field(default_factory=list, description="parts whose 工作专班 names the unit")
    tasks: list[UnitTask] = Field(default_factory=list)

    @property
    def total(self) -> int:
        """Tasks the unit is named in, whatever the role."""
        return self.lead + self.support + self.joint


def responsibility_matrix(doc: Document) -> list[UnitRow]:
    """Every unit named in a responsibility clause or a task force; busiest first."""
    rows: dict[str, UnitRow] = {}
    for part in doc.parts:
        for node in part.walk():
            r = node.responsibility
            if r is None:
                continue
            for role in UNIT_ROLES:
                for unit in dict.fromkeys(getattr(r, role)):
                    row = rows.setdefault(unit, UnitRow(unit=unit))
                    setattr(row, role, getattr(row, role) + 1)
                    row.per_part[part.id] = row.per_part.get(part.id, 0) + 1
                    row.tasks.append(UnitTask(part=part.id, path=node.path, title=node.title, role=role))
        tf = part.task_force
        if tf is not None:
            named = [*tf.deputies, *tf.members] + ([tf.office] if tf.office else [])
            for unit in dict.fromkeys(named):
                row = rows.setdefault(unit, UnitRow(unit=unit))
                if part.id not in row.task_forces:
                    row.task_forces.append(part.id)
    return sorted(rows.values(), key=lambda r: (-r.total, -r.lead, r.unit))


def unit_canonicalizer(doc: Document) -> Callable[[str], str]:
    """The unit registry's alias resolution for the document's issuer, or identity without one."""
    try:
        from ..rules.units import UnitRegistry
    except ImportError:
        return lambda name: name
    issuer = doc.notice.issuer if doc.notice and doc.notice.issuer else None
    issuer = issuer or next((p.title for p in doc.parts if p.title), None)
    try:
        registry = UnitRegistry.for_issuer(issuer)
    except Exception:  # a registry that cannot load must not stop a listing
        return lambda name: name
    return lambda name: registry.canonical(name) or name


def find_unit(doc: Document, name: str, matrix: list[UnitRow] | None = None) -> UnitRow | None:
    """One unit's row, by its canonical name or an alias the registry knows."""
    matrix = matrix if matrix is not None else responsibility_matrix(doc)
    by_name = {row.unit: row for row in matrix}
    if name in by_name:
        return by_name[name]
    return by_name.get(unit_canonicalizer(doc)(name))
