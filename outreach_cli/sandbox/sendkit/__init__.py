"""SendKit emulator: `/sendkit/v1/...` (being split into modules; see routes.py for now)."""

from .routes import FLATTENED_SETTINGS, Emulator, agent_id_for, to_tiptap_html, workspace_for_key

__all__ = ["FLATTENED_SETTINGS", "Emulator", "agent_id_for", "to_tiptap_html",
           "workspace_for_key"]
