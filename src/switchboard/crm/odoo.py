"""Odoo target: one ``crm.lead`` per call, the transcript as a staff note, the WAV attached.

Two wire protocols, chosen by ``ODOO_PROTOCOL``: XML-RPC (``/xmlrpc/2``, Odoo ≤ 18; API key in
place of the password) and JSON-2 (``/json/2/<model>/<method>``, Odoo ≥ 19; bearer API key).

Exactly once: the CallSid is written on the lead (a marker line in the description, or a field
named by ``ODOO_SID_FIELD``) and every step searches before it creates — the lead by CallSid,
the attachment by file name on the lead, the note by the CallSid marker in its body — so a
retry after a timeout (the lead made, the answer lost) finishes the job without duplicates.
"""

from __future__ import annotations

import asyncio
import base64
import json
import xmlrpc.client
from pathlib import Path
from typing import Any, Protocol

import httpx

from switchboard.crm import document
from switchboard.crm.base import (
    Delivery,
    DeliveryError,
    PermanentDeliveryError,
    http_failure,
    setting,
    setting_float,
    setting_int,
    transport_failure,
)

LEAD = "crm.lead"
# Odoo's XML-RPC fault codes (odoo/addons/base/controllers/rpc.py).
FAULT_APPLICATION_ERROR = 1
FAULT_WARNING = 2  # UserError, ValidationError, MissingError
FAULT_ACCESS_DENIED = 3  # bad login / API key
FAULT_ACCESS_ERROR = 4  # the user lacks rights


class OdooApi(Protocol):
    async def search(self, model: str, domain: list[Any], *, limit: int = 1) -> list[int]: ...

    async def create(self, model: str, vals: dict[str, Any], *, http_timeout: float) -> int: ...

    async def message_post(self, model: str, res_id: int, **kwargs: Any) -> int: ...


class _Base:
    def __init__(
        self,
        *,
        url: str,
        db: str,
        username: str,
        api_key: str,
        http: httpx.AsyncClient,
        timeout: float = 30.0,
    ) -> None:
        self._url = url.rstrip("/")
        self._db = db
        self._username = username
        self._key = api_key
        self._http = http
        self._timeout = timeout

    def _denied(self, detail: str) -> PermanentDeliveryError:
        return PermanentDeliveryError(
            f"Odoo refused the API key for user '{self._username}' on database '{self._db}' "
            f"({detail}). Check ODOO_USERNAME, ODOO_DB and ODOO_API_KEY (keys expire; make a "
            "new one under Preferences → Account Security), then run `switchboard outbox retry`."
        )


class XmlRpcOdoo(_Base):
    """Odoo's external API over XML-RPC (``/xmlrpc/2/common`` and ``/xmlrpc/2/object``)."""

    _uid: int | None = None

    async def _rpc(
        self, service: str, method: str, params: list[Any], *, http_timeout: float
    ) -> Any:
        body = xmlrpc.client.dumps(tuple(params), methodname=method, allow_none=True)
        try:
            response = await self._http.post(
                f"{self._url}/xmlrpc/2/{service}",
                content=body.encode("utf-8"),
                headers={"Content-Type": "text/xml; charset=utf-8"},
                timeout=http_timeout,
            )
        except httpx.HTTPError as exc:
            raise transport_failure(f"Odoo at {self._url}", exc) from exc
        if response.status_code != 200:
            raise http_failure(f"Odoo at {self._url}", response, detail=response.reason_phrase)
        try:
            result = xmlrpc.client.loads(response.content, use_builtin_types=True)[0]
        except xmlrpc.client.Fault as fault:
            raise self._fault(fault) from fault
        except Exception as exc:  # an HTML error page from a proxy, a truncated body
            raise DeliveryError(f"Odoo at {self._url} sent an unreadable answer: {exc}") from exc
        return result[0] if result else None

    def _fault(self, fault: xmlrpc.client.Fault) -> DeliveryError:
        text = str(fault.faultString).strip().splitlines()
        first = text[-1] if text else ""
        if fault.faultCode == FAULT_ACCESS_DENIED:
            self._uid = None
            return self._denied(first or "Access Denied")
        if fault.faultCode == FAULT_ACCESS_ERROR:
            return PermanentDeliveryError(
                f"Odoo user '{self._username}' lacks the rights for this: {first}. Give the bot "
                "user the CRM 'User' role (and Discuss) in Odoo."
            )
        if fault.faultCode == FAULT_WARNING:
            return PermanentDeliveryError(f"Odoo rejected the data: {first}")
        if "Invalid field" in first or "does not exist" in first:
            return PermanentDeliveryError(f"Odoo rejected the data: {first}")
        return DeliveryError(f"Odoo failed (will retry): {first or fault.faultCode}")

    async def uid(self) -> int:
        if self._uid is None:
            uid = await self._rpc(
                "common",
                "authenticate",
                [self._db, self._username, self._key, {}],
                http_timeout=self._timeout,
            )
            if not uid:
                raise self._denied("authenticate returned no user")
            self._uid = int(uid)
        return self._uid

    async def execute_kw(
        self,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        http_timeout: float | None = None,
    ) -> Any:
        uid = await self.uid()
        return await self._rpc(
            "object",
            "execute_kw",
            [self._db, uid, self._key, model, method, args, kwargs or {}],
            http_timeout=http_timeout or self._timeout,
        )

    async def search(self, model: str, domain: list[Any], *, limit: int = 1) -> list[int]:
        ids = await self.execute_kw(
            model, "search", [domain], {"limit": limit, "context": {"active_test": False}}
        )
        return [int(i) for i in ids or []]

    async def create(self, model: str, vals: dict[str, Any], *, http_timeout: float) -> int:
        new = await self.execute_kw(model, "create", [vals], http_timeout=http_timeout)
        return int(new[0] if isinstance(new, list) else new)

    async def message_post(self, model: str, res_id: int, **kwargs: Any) -> int:
        new = await self.execute_kw(model, "message_post", [[res_id]], kwargs)
        return int(new[0] if isinstance(new, list) else new)


class Json2Odoo(_Base):
    """Odoo's JSON-2 external API (``POST /json/2/<model>/<method>``, Odoo 19+)."""

    async def call(
        self, model: str, method: str, body: dict[str, Any], *, http_timeout: float | None = None
    ) -> Any:
        headers = {
            "Authorization": f"bearer {self._key}",
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "switchboard",
        }
        if self._db:
            headers["X-Odoo-Database"] = self._db
        try:
            response = await self._http.post(
                f"{self._url}/json/2/{model}/{method}",
                content=json.dumps(body).encode("utf-8"),
                headers=headers,
                timeout=http_timeout or self._timeout,
            )
        except httpx.HTTPError as exc:
            raise transport_failure(f"Odoo at {self._url}", exc) from exc
        if response.status_code == 200:
            return response.json()
        try:
            err = response.json()
            name, message = str(err.get("name", "")), str(err.get("message", ""))
        except (ValueError, AttributeError):
            name, message = "", response.text[:200]
        if response.status_code == 401 or name.endswith("AccessDenied"):
            raise self._denied(message or "401 Unauthorized")
        if response.status_code == 403 or name.endswith("AccessError"):
            raise PermanentDeliveryError(
                f"Odoo user '{self._username}' lacks the rights for this: {message}. Give the "
                "bot user the CRM 'User' role (and Discuss) in Odoo."
            )
        raise http_failure(f"Odoo at {self._url}", response, detail=f"{name}: {message}")

    async def search(self, model: str, domain: list[Any], *, limit: int = 1) -> list[int]:
        ids = await self.call(
            model, "search", {"domain": domain, "limit": limit, "context": {"active_test": False}}
        )
        return [int(i) for i in ids or []]

    async def create(self, model: str, vals: dict[str, Any], *, http_timeout: float) -> int:
        new = await self.call(model, "create", {"vals_list": [vals]}, http_timeout=http_timeout)
        return int(new[0] if isinstance(new, list) else new)

    async def message_post(self, model: str, res_id: int, **kwargs: Any) -> int:
        new = await self.call(model, "message_post", {"ids": [res_id], **kwargs})
        return int(new[0] if isinstance(new, list) else new)


def build_api(settings: Any, http: httpx.AsyncClient) -> OdooApi:
    url = setting(settings, "odoo_url", "")
    if not url:
        raise PermanentDeliveryError("ODOO_URL is not set: Odoo is listed in CRM_TARGETS")
    kwargs = {
        "url": url,
        "db": setting(settings, "odoo_db", ""),
        "username": setting(settings, "odoo_username", ""),
        "api_key": setting(settings, "odoo_api_key", ""),
        "http": http,
        "timeout": setting_float(settings, "odoo_timeout_secs", 30.0),
    }
    protocol = str(setting(settings, "odoo_protocol", "xmlrpc")).lower()
    if protocol in ("json2", "json-2", "json"):
        return Json2Odoo(**kwargs)
    return XmlRpcOdoo(**kwargs)


class OdooTarget:
    """Creates (once) the lead for a call, attaches the recording, posts the transcript note."""

    name = "odoo"

    def __init__(self, settings: Any, *, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http
        self._api: OdooApi | None = None
        self._timeout = setting_float(settings, "odoo_timeout_secs", 30.0)
        self._sid_field = str(setting(settings, "odoo_sid_field", "description"))

    @property
    def api(self) -> OdooApi:
        if self._api is None:
            self._api = build_api(self._settings, self._http)
        return self._api

    def lead_values(self, doc: dict[str, Any]) -> dict[str, Any]:
        req = doc.get("request") or {}
        vals: dict[str, Any] = {
            "type": "lead",
            "name": document.lead_title(doc),
            "contact_name": str(req.get("patient_name") or ""),
            "phone": str(req.get("callback_number") or doc.get("from_number") or ""),
            "description": document.description_html(doc),
        }
        if self._sid_field != "description":
            vals[self._sid_field] = doc["call_sid"]
        for field in ("team_id", "stage_id", "user_id"):
            value = setting_int(self._settings, f"odoo_{field}", None)
            if value:
                vals[field] = value
        return vals

    async def find_lead(self, doc: dict[str, Any]) -> int | None:
        if self._sid_field == "description":
            domain = [["description", "ilike", document.marker(doc)]]
        else:
            domain = [[self._sid_field, "=", doc["call_sid"]]]
        ids = await self.api.search(LEAD, domain, limit=1)
        return ids[0] if ids else None

    async def deliver(self, delivery: Delivery) -> dict[str, Any]:
        doc = delivery.payload
        api = self.api
        result: dict[str, Any] = {}
        lead_id = await self.find_lead(doc)
        result["lead_found"] = lead_id is not None
        if lead_id is None:
            lead_id = await api.create(LEAD, self.lead_values(doc), http_timeout=self._timeout)
        result["lead_id"] = lead_id

        attachment_ids: list[int] = []
        recording = doc.get("recording_path")
        if recording:
            att = await self._attach(lead_id, Path(recording), doc)
            if isinstance(att, int):
                attachment_ids.append(att)
                result["attachment_id"] = att
            else:
                result["recording"] = att

        found = await api.search(
            "mail.message",
            [
                ["model", "=", LEAD],
                ["res_id", "=", lead_id],
                ["body", "ilike", document.marker(doc)],
            ],
        )
        if found:
            result["note_id"] = found[0]
        else:
            note: dict[str, Any] = {
                "body": document.transcript_html(doc),
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_note",  # internal note: no follower e-mail
            }
            if attachment_ids:
                note["attachment_ids"] = attachment_ids
            result["note_id"] = await api.message_post(LEAD, lead_id, **note)
        return result

    async def _attach(self, lead_id: int, path: Path, doc: dict[str, Any]) -> int | str:
        """The attachment id, or a short reason the recording could not be attached."""
        name = f"call-{doc['call_sid']}.wav"
        found = await self.api.search(
            "ir.attachment",
            [["res_model", "=", LEAD], ["res_id", "=", lead_id], ["name", "=", name]],
        )
        if found:
            return found[0]
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return f"missing: {path}"
        # A large WAV needs more than the usual timeout to upload (base64 adds a third).
        timeout = self._timeout + len(data) / 1_000_000 * 4
        return await self.api.create(
            "ir.attachment",
            {
                "name": name,
                "type": "binary",
                "datas": base64.b64encode(data).decode("ascii"),
                "res_model": LEAD,
                "res_id": lead_id,
                "mimetype": "audio/wav",
            },
            http_timeout=timeout,
        )
