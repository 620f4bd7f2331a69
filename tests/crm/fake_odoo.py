"""A local server that speaks Odoo's external API: XML-RPC (``/xmlrpc/2/common``,
``/xmlrpc/2/object``) through Python's own ``xmlrpc`` marshalling, faults included (wrong API key
→ ``Fault(3, 'Access Denied')`` like Odoo's AccessDenied), and JSON-2 (``/json/2/<model>/<method>``
with a bearer key) with Odoo's error bodies (``{"name", "message", "arguments", "context",
"debug"}`` and 401/403/404/422/500 statuses).

It keeps records in memory for ``crm.lead``, ``mail.message`` and ``ir.attachment`` and offers
failure injection: ``stop()``/``start()`` (connection refused, same port), ``unavailable``
(HTTP 503 from a "proxy"), ``delay_after_create`` (the lead is stored, the answer comes late).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DB = "clinic"
LOGIN = "bot@clinic.example"
API_KEY = "0123456789abcdef0123456789abcdef01234567"
UID = 7

FIELDS = {
    "crm.lead": {
        "name",
        "type",
        "contact_name",
        "phone",
        "email_from",
        "description",
        "team_id",
        "stage_id",
        "user_id",
        "partner_id",
        "tag_ids",
        "referred",
        "active",
        "x_call_sid",
    },
    "mail.message": {
        "model",
        "res_id",
        "body",
        "subtype_xmlid",
        "message_type",
        "attachment_ids",
        "author_id",
    },
    "ir.attachment": {"name", "type", "datas", "res_model", "res_id", "mimetype", "description"},
}


class OdooError(Exception):
    """Raised by fake model methods; mapped to a fault / JSON-2 error like Odoo does."""

    kind = "odoo.exceptions.UserError"
    fault = 2
    status = 422


class AccessDenied(OdooError):
    kind = "odoo.exceptions.AccessDenied"
    fault = 3
    status = 401


class AccessError(OdooError):
    kind = "odoo.exceptions.AccessError"
    fault = 4
    status = 403


class AppError(OdooError):
    kind = "builtins.ValueError"
    fault = 1
    status = 500


class NotFound(OdooError):
    kind = "werkzeug.exceptions.NotFound"
    fault = 1
    status = 404


def _match(record: dict[str, Any], field: str, op: str, value: Any) -> bool:
    have = record.get(field)
    if op == "=":
        return have == value or (value is False and have in (None, False))
    if op == "!=":
        return have != value
    if op in ("ilike", "like"):
        text, needle = str(have or ""), str(value)
        if op == "ilike":
            text, needle = text.lower(), needle.lower()
        return needle.replace("%", "") in text
    if op == "in":
        return have in value
    if op == "not in":
        return have not in value
    raise AppError(f"Invalid leaf ({field!r}, {op!r}, {value!r})")


class FakeOdoo:
    def __init__(self, *, db: str = DB, login: str = LOGIN, api_key: str = API_KEY) -> None:
        self.db = db
        self.users = {login: (UID, api_key)}
        self.records: dict[str, dict[int, dict[str, Any]]] = {m: {} for m in FIELDS}
        self._next_id = 100
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str, str]] = []  # (protocol, model, method)
        self.unavailable = False  # answer 503 (a reverse proxy with Odoo down behind it)
        self.delay_after_create = 0.0  # store the lead, then answer this much later (once)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeOdoo:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, ctype, payload = fake.handle(self.path, dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOdoo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- inspection --------------------------------------------------------------------------
    def leads(self) -> list[dict[str, Any]]:
        return list(self.records["crm.lead"].values())

    def messages(self, lead_id: int) -> list[dict[str, Any]]:
        return [
            m
            for m in self.records["mail.message"].values()
            if m["model"] == "crm.lead" and m["res_id"] == lead_id
        ]

    def attachments(self, lead_id: int) -> list[dict[str, Any]]:
        return [
            a
            for a in self.records["ir.attachment"].values()
            if a["res_model"] == "crm.lead" and a["res_id"] == lead_id
        ]

    # --- HTTP --------------------------------------------------------------------------------
    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        if self.unavailable:
            return 503, "text/html", b"<html><body>502 Bad Gateway</body></html>"
        if path.startswith("/xmlrpc/2/"):
            return self._xmlrpc(path.rsplit("/", 1)[-1], body)
        m = re.fullmatch(r"/json/2/([\w.]+)/(\w+)", path)
        if m:
            return self._json2(m.group(1), m.group(2), headers, body)
        return 404, "text/html", b"<html>404 Not Found</html>"

    def _xmlrpc(self, service: str, body: bytes) -> tuple[int, str, bytes]:
        params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        try:
            if service == "common" and method == "version":
                result: Any = {"server_version": "18.0", "protocol_version": 1}
            elif service == "common" and method == "authenticate":
                db, login, key, _env = params
                result = self._auth(db, login, key)
            elif service == "object" and method == "execute_kw":
                db, uid, key, model, meth, args, *rest = params
                kwargs = rest[0] if rest else {}
                if not self._check(db, uid, key):
                    raise AccessDenied("Access Denied")
                self.calls.append(("xmlrpc", model, meth))
                result = self._dispatch(model, meth, list(args), dict(kwargs), xmlrpc_call=True)
            else:
                raise AppError(f"Method not found: {method}")
            out = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        except OdooError as exc:
            out = xmlrpc.client.dumps(xmlrpc.client.Fault(exc.fault, str(exc)))
        return 200, "text/xml; charset=utf-8", out.encode("utf-8")

    def _json2(
        self, model: str, method: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        try:
            auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
            scheme, _, key = auth.partition(" ")
            if scheme.lower() != "bearer" or not any(k == key for _u, k in self.users.values()):
                raise AccessDenied("Invalid apikey")
            db = {k.lower(): v for k, v in headers.items()}.get("x-odoo-database")
            if db and db != self.db:
                raise NotFound(f"database {db!r} not found")
            data = json.loads(body or b"{}")
            ids = data.pop("ids", None)
            data.pop("context", None)
            self.calls.append(("json2", model, method))
            args = [ids] if ids is not None else []
            result = self._dispatch(model, method, args, data, xmlrpc_call=False)
            return 200, "application/json; charset=utf-8", json.dumps(result).encode()
        except OdooError as exc:
            status = exc.status
            err = {
                "name": "werkzeug.exceptions.Unauthorized" if status == 401 else exc.kind,
                "message": str(exc),
                "arguments": [str(exc), status] if status == 401 else [str(exc)],
                "context": {},
                "debug": f"Traceback (most recent call last):\n  ...\n{exc.kind}: {exc}\n",
            }
            return status, "application/json; charset=utf-8", json.dumps(err).encode()

    def _auth(self, db: str, login: str, key: str) -> int | bool:
        if db != self.db or login not in self.users or self.users[login][1] != key:
            return False
        return self.users[login][0]

    def _check(self, db: str, uid: int, key: str) -> bool:
        return db == self.db and any(u == uid and k == key for u, k in self.users.values())

    # --- models --------------------------------------------------------------------------
    def _dispatch(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any], *, xmlrpc_call: bool
    ) -> Any:
        if model not in self.records:
            raise NotFound(f"Object {model} doesn't exist")
        kwargs.pop("context", None)
        if method in ("search", "search_count", "search_read"):
            domain = args[0] if args else kwargs.pop("domain", [])
            ids = self._search(model, domain, kwargs.get("limit"))
            if method == "search_count":
                return len(ids)
            if method == "search_read":
                fields = kwargs.get("fields") or []
                return [self._read(model, i, fields) for i in ids]
            return ids
        if method == "read":
            fields = args[1] if len(args) > 1 else kwargs.get("fields") or []
            return [self._read(model, i, fields) for i in args[0]]
        if method == "create":
            vals = args[0] if args else kwargs.get("vals_list")
            if isinstance(vals, dict):
                return self._create(model, vals)
            return [self._create(model, v) for v in vals]
        if method == "write":
            ids, vals = args[0], args[1] if len(args) > 1 else kwargs.get("vals", {})
            with self.lock:
                for i in ids:
                    self.records[model][i].update(vals)
            return True
        if method == "message_post":
            ids = args[0]
            if len(ids) != 1:
                raise AppError(f"Expected singleton: {model}{tuple(ids)}")
            subtype = kwargs.get("subtype_xmlid")
            if subtype not in (None, "mail.mt_note", "mail.mt_comment"):
                raise AppError(f"External ID not found in the system: {subtype}")
            if ids[0] not in self.records[model]:
                raise OdooError(f"Record does not exist or has been deleted. ({model}, {ids})")
            return self._create(
                "mail.message",
                {
                    "model": model,
                    "res_id": ids[0],
                    "body": kwargs.get("body", ""),
                    "subtype_xmlid": subtype or "mail.mt_comment",
                    "message_type": kwargs.get("message_type", "notification"),
                    "attachment_ids": list(kwargs.get("attachment_ids") or []),
                },
            )
        raise NotFound(f"The method {method!r} does not exist on the model {model!r}")

    def _search(self, model: str, domain: list[Any], limit: int | None) -> list[int]:
        with self.lock:
            found = [
                rid
                for rid, rec in self.records[model].items()
                if all(_match(rec, f, op, v) for f, op, v in domain)
            ]
        return found[:limit] if limit else found

    def _read(self, model: str, rid: int, fields: list[str]) -> dict[str, Any]:
        rec = self.records[model][rid]
        keys = fields or [k for k in rec if k != "datas"]
        return {"id": rid, **{k: rec.get(k, False) for k in keys}}

    def _create(self, model: str, vals: dict[str, Any]) -> int:
        unknown = set(vals) - FIELDS[model]
        if unknown:
            raise AppError(f"Invalid field {sorted(unknown)[0]!r} on model {model!r}")
        rec = dict(vals)
        if model == "ir.attachment":
            raw = base64.b64decode(rec.pop("datas", "") or "")
            rec["file_size"] = len(raw)
            rec["checksum"] = hashlib.sha1(raw).hexdigest()
        if model == "crm.lead":
            rec.setdefault("active", True)
        with self.lock:
            self._next_id += 1
            rid = self._next_id
            self.records[model][rid] = rec
        if model == "crm.lead" and self.delay_after_create:
            delay, self.delay_after_create = self.delay_after_create, 0.0
            time.sleep(delay)  # the lead exists; the caller's request times out first
        return rid
