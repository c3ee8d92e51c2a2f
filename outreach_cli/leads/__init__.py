"""Campaign leads, the same for every platform: CSV with line numbers, batches, reports.

`records` holds the values, `csvfiles` the CSV readers, `operations` list/add/update and the
campaign a leads command names. Each platform's wire format and rules are its `LeadOps`, in
`providers/<name>/leads.py`.
"""

from __future__ import annotations

from .csvfiles import CHANGE_COLUMNS, EMAIL, read_changes, read_rows
from .operations import (
    LeadRefused,
    add_leads,
    check_change,
    check_tag,
    find_campaign,
    iter_leads,
    list_leads,
    offline_ops,
    update_lead,
    update_leads,
)
from .records import (
    ACTIONS,
    AddReport,
    Batch,
    Decision,
    Lead,
    LeadChange,
    LeadRow,
    LeadSubsequence,
    Outcome,
    RowResult,
    UpdateReport,
    UpdateResult,
)

__all__ = [
    "ACTIONS",
    "CHANGE_COLUMNS",
    "EMAIL",
    "AddReport",
    "Batch",
    "Decision",
    "Lead",
    "LeadChange",
    "LeadRefused",
    "LeadRow",
    "LeadSubsequence",
    "Outcome",
    "RowResult",
    "UpdateReport",
    "UpdateResult",
    "add_leads",
    "check_change",
    "check_tag",
    "find_campaign",
    "iter_leads",
    "list_leads",
    "offline_ops",
    "read_changes",
    "read_rows",
    "update_lead",
    "update_leads",
]
