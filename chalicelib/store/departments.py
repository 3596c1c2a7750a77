"""Functional departments (职能部门). Each write also updates the department's entry in the
directory (transfers read that)."""

from chalicelib.store import directory, keys
from chalicelib.store.records import Catalog

departments = Catalog(
    "department",
    keys.DEPARTMENT,
    "department_not_found",
    also_write=lambda record: [directory.entry_action(keys.DEPARTMENT, record)],
    after_write=directory.forget,
)
