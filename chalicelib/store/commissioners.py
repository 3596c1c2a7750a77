"""Commissioners (服务专员) and industry task teams (行业专班), with their coverage.

A county has tens of them: routing reads them all in one page.
"""

from chalicelib.store import keys
from chalicelib.store.records import Catalog

commissioners = Catalog("commissioner", keys.COMMISSIONER, "commissioner_not_found")
