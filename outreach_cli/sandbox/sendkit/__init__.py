"""SendKit emulator: `/sendkit/v1/...`, read from docs.sendkit.ai as captured in shared/seeds."""

# A second, independent reading of the vendor's pages: only the standard library and the sibling
# sandbox modules are imported. Where the docs are silent the choice made here is written next to
# the code that makes it, so a disagreement with the client side can be traced to a reading.
#
# Where things are, lowest layer first (a module imports only from those above it):
#   constants    enums, limits, accepted field names, id/format patterns
#   errors       ApiError and the error codes
#   ids          ObjectIds, ISO timestamps, ids derived from keys
#   tiptap       plain text → TipTap-style HTML bodies
#   validation   JSON bodies, field validators, settings and schedule
#   sequences    steps, variants, triggers, subsequences
#   envelope     the caller (_Ctx), `{success, data|error}` answers, cursor pagination
#   storage      rows in the shared Store, the demo seed, the documented read shapes
#   sending      simulated time: tick, sends, the event log, webhooks
#   enrollment   what tagging a lead does to its subsequence
#   campaigns    the campaign endpoints
#   leads        the campaign lead endpoints
#   routes       the Emulator: route table, auth, one transaction per request, tags, mailboxes

from .constants import FLATTENED_SETTINGS
from .ids import agent_id_for, workspace_for_key
from .routes import Emulator
from .tiptap import to_tiptap_html

__all__ = ["FLATTENED_SETTINGS", "Emulator", "agent_id_for", "to_tiptap_html", "workspace_for_key"]
