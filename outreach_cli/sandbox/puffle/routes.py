"""The Emulator: Puffle's route table, the auth check and one store transaction per request.

Puffle's API (`https://app.puffle.ai/api`), emulated from its public docs at /puffle/api.

A second, independent reading of the docs (shared/seeds/puffle-update-campaign.txt and
shared/reference/providers.md section 3): it imports only the standard library and its sibling
sandbox modules, never the client side of the package, so a test where `outreach`'s own rules
and this emulator agree means two readings of the docs agree.

What the docs state is followed as stated, above all the update page: on a campaign that has
left draft, the draft-only fields of a PATCH are silently ignored (200, value unchanged), while
a malformed value (delay totals, ranges, UUIDs) fails the whole request with 400 before any
write. Where the docs are silent, this emulator chooses, and says so:

- error bodies: errors.py
- auth, keys and workspaces: request.py
- demo data, `updated_at`: storage.py
- create, `sequence_nodes`, `account_limits`: campaigns.py
- what PATCH validates: validation.py
- launch, validate, resume: lifecycle.py
- the prospect list and prospect writes: prospects.py
- the sequence node endpoints: sequence.py
- simulated sends (`tick`): clock.py
"""

from __future__ import annotations

from ..store import Store
from ..web import Request, Response, Router
from .campaigns import CampaignRoutes
from .clock import Clock
from .errors import _Fail
from .lifecycle import LifecycleRoutes
from .prospects import ProspectRoutes
from .request import _api_key, _ws
from .senders import SenderRoutes
from .sequence import SequenceRoutes


class Emulator(
    Clock, CampaignRoutes, LifecycleRoutes, ProspectRoutes, SequenceRoutes, SenderRoutes
):
    """Puffle's campaign API over the shared sandbox store."""

    prefix = "/puffle/api"
    launch_seconds = 1.0
    require_prospects = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.router = Router()
        add = self.router.add
        add("GET", "/campaigns", self._list_campaigns)
        add("POST", "/campaigns", self._create_campaign)
        add("GET", "/campaigns/settings", self._campaign_settings)  # before /campaigns/{id}
        add("GET", "/campaigns/{id}", self._get_campaign)
        add("PATCH", "/campaigns/{id}", self._update_campaign)
        add("DELETE", "/campaigns/{id}", self._delete_campaign)
        add("GET", "/campaigns/{id}/validate", self._validate)
        add("POST", "/campaigns/{id}/launch", self._launch)
        add("POST", "/campaigns/{id}/pause", self._pause)
        add("POST", "/campaigns/{id}/resume", self._resume)
        add("GET", "/campaigns/{id}/senders", self._campaign_senders)
        add("GET", "/campaigns/{id}/leads", self._list_prospects)
        add("POST", "/campaigns/{id}/leads", self._add_prospects)
        add("DELETE", "/campaigns/{id}/leads", self._delete_prospects)
        add("POST", "/campaigns/{id}/sequence/nodes", self._add_node)
        add("PATCH", "/campaigns/{id}/sequence/nodes", self._move_node)
        add("DELETE", "/campaigns/{id}/sequence/nodes", self._delete_node)
        add("PUT", "/campaigns/{id}/sequence/nodes/{nodeId}", self._edit_node)
        add("GET", "/senders", self._list_senders)
        add("GET", "/senders/{id}", self._get_sender)
        add("GET", "/settings", self._get_settings)
        add("PUT", "/settings", self._put_settings)

    def handle(self, request: Request) -> Response:
        handler, params, exists = self.router.match(request.method, request.path)
        if handler is None:
            return (
                _Fail(405, "Method not allowed").response()
                if exists
                else _Fail(404, "Not found").response()
            )
        if _api_key(request) is None:
            return _Fail(
                401, "Unauthorized: send Authorization: Bearer pk_live_… (or pk_test_…)"
            ).response()
        request.params = params
        try:
            with self.store.transaction():
                self._seed(_ws(request))
                return handler(request)
        except _Fail as fail:
            return fail.response()
