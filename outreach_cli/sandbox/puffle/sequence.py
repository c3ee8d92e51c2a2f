"""Sequence node endpoints: add, move, delete and edit one node of a draft campaign.

Where the docs are silent, this emulator chooses:

- Sequence node endpoints answer 400 on a non-draft campaign and 404 for a node not in it;
  add and edit do not check delay totals (validate and launch do); `toPosition` and `position`
  beyond the end are clamped.
"""

from __future__ import annotations

from typing import Any

from ..store import uuid4
from ..web import Request, Response
from .errors import _Fail
from .model import NODE_FIELDS
from .request import _body
from .storage import Storage
from .validation import _is_int, _is_uuid, _node_errors


class SequenceRoutes(Storage):
    """/campaigns/{id}/sequence/nodes and /campaigns/{id}/sequence/nodes/{nodeId}."""

    def _open_sequence(self, request: Request) -> tuple[str, dict[str, Any]]:
        ws, campaign = self._load(request)
        if campaign["status"] != "draft":
            raise _Fail(
                400,
                f"Campaign is {campaign['status']} — the sequence can only change "
                "while it is draft",
            )
        return ws, campaign

    def _find_node(self, campaign: dict[str, Any], node_id: Any) -> int:
        if not _is_uuid(node_id):
            raise _Fail(400, "nodeId must be a UUID")
        for i, node in enumerate(campaign["_nodes"]):
            if node["id"] == node_id:
                return i
        raise _Fail(404, "Node not found")

    def _nodes_response(self, ws: str, campaign: dict[str, Any]) -> Response:
        self._save(ws, campaign)
        return Response(200, {"sequence_nodes": self._public_nodes(campaign)})

    def _add_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        body = _body(request)
        ntype = body.get("type")
        if ntype not in NODE_FIELDS:
            raise _Fail(400, f"type must be one of: {', '.join(NODE_FIELDS)}")
        errors = _node_errors("", body, ntype, campaign["type"], check_delay=False)
        position = body.get("position")
        if position is not None and not (_is_int(position) and position >= 0):
            errors.append("position must be a non-negative integer")
        if errors:
            raise _Fail(400, "; ".join(errors))
        nodes = campaign["_nodes"]
        if position is None:  # the docs: right before the terminal end node
            ends = [i for i, n in enumerate(nodes) if n["type"] == "end"]
            position = ends[-1] if ends else len(nodes)
        node = {
            "id": uuid4(),
            "type": ntype,
            **{k: body[k] for k in NODE_FIELDS[ntype] if k in body},
        }
        nodes.insert(min(position, len(nodes)), node)
        return self._nodes_response(ws, campaign)

    def _move_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        body = _body(request)
        to = body.get("toPosition")
        if not (_is_int(to) and to >= 0):
            raise _Fail(400, "toPosition must be a non-negative integer")
        nodes = campaign["_nodes"]
        node = nodes.pop(self._find_node(campaign, body.get("nodeId")))
        nodes.insert(min(to, len(nodes)), node)
        return self._nodes_response(ws, campaign)

    def _delete_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        campaign["_nodes"].pop(self._find_node(campaign, _body(request).get("nodeId")))
        return self._nodes_response(ws, campaign)

    def _edit_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        node = campaign["_nodes"][self._find_node(campaign, request.params["nodeId"])]
        body = _body(request)
        errors = _node_errors("", body, node["type"], campaign["type"], check_delay=False)
        if errors:
            raise _Fail(400, "; ".join(errors))
        # type, position and campaign_id are immutable here; fields of other node types are
        # ignored (the docs: AI fields are "silently ignored unless the node type is ai").
        for key in NODE_FIELDS[node["type"]]:
            if key not in body:
                continue
            if key == "ai_node" and isinstance(node.get("ai_node"), dict) and body[key]:
                node["ai_node"] = {**node["ai_node"], **body[key]}
            else:
                node[key] = body[key]
        self._save(ws, campaign)
        position = campaign["_nodes"].index(node)
        return Response(200, {"node": self._public_nodes(campaign)[position]})
