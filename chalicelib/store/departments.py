"""Functional departments (职能部门)."""

from chalicelib.store import keys
from chalicelib.store.records import Catalog

departments = Catalog("department", keys.DEPARTMENT, "department_not_found")
