"""Commissioners (服务专员) and industry task teams (行业专班), with their coverage.

Each write also updates the commissioner's entry in the directory (routing reads that).
"""

from chalicelib.store import directory, keys
from chalicelib.store.records import Catalog

commissioners = Catalog(
    "commissioner",
    keys.COMMISSIONER,
    "commissioner_not_found",
    also_write=lambda record: [directory.entry_action(keys.COMMISSIONER, record)],
    after_write=directory.forget,
)
