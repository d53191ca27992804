"""How a pool's hosted UI looks: classic UI customization (CSS and a logo, per pool or per app
client) and managed-login branding styles, kept as the data AWS describes."""
from __future__ import annotations

import base64
import binascii
import hashlib
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from core.errors import (
    InvalidParameterException,
    ManagedLoginBrandingExistsException,
    ResourceNotFoundException,
)
from userpools.domain.ui_css import css_problem
from userpools.models import ManagedLoginBranding, UICustomization, UserPool, UserPoolClient, UserPoolDomain
from userpools.services.clients import get_client
from userpools.services.pools import get_pool

ALL_CLIENTS = "ALL"
MAX_IMAGE_BYTES = 100 * 1024


def _client_or_none(pool: UserPool, client_id: str | None) -> UserPoolClient | None:
    if not client_id or client_id == ALL_CLIENTS:
        return None
    return get_client(pool.pk, client_id)


def _image(given: str | None) -> bytes:
    if not given:
        return b""
    try:
        image = base64.b64decode(given, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameterException("ImageFile is not valid base64.") from None
    if len(image) > MAX_IMAGE_BYTES:
        raise InvalidParameterException("Image file is too large.")
    return image


@transaction.atomic
def set_ui_customization(params: dict) -> UICustomization:
    """SetUICustomization: replaces the CSS and logo of the pool (ClientId ALL or none) or of one client."""
    pool = get_pool(params["UserPoolId"])
    if not UserPoolDomain.objects.filter(pool=pool).exists():
        raise InvalidParameterException("There has to be an existing domain associated with this user pool")
    client = _client_or_none(pool, params.get("ClientId"))
    css = params.get("CSS") or ""
    problem = css_problem(css)
    if problem:
        raise InvalidParameterException(problem)
    image = _image(params.get("ImageFile"))
    values = {"css": css, "image": image, "css_version": hashlib.sha256(css.encode()).hexdigest()[:16] if css else ""}
    row = UICustomization.objects.select_for_update().filter(pool=pool, client=client).first()
    if row is None:
        try:
            with transaction.atomic():
                return UICustomization.objects.create(pool=pool, client=client, **values)
        except IntegrityError:  # created meanwhile by a concurrent call
            row = UICustomization.objects.select_for_update().get(pool=pool, client=client)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def effective_customization(pool: UserPool, client: UserPoolClient | None) -> UICustomization | None:
    """The customization a client's pages use: its own, else the pool's."""
    if client is not None:
        own = UICustomization.objects.filter(pool=pool, client=client).first()
        if own is not None:
            return own
    return UICustomization.objects.filter(pool=pool, client__isnull=True).first()


def get_ui_customization(params: dict) -> dict:
    """GetUICustomization: the UICustomizationType of a client (falling back to the pool's)."""
    pool = get_pool(params["UserPoolId"])
    client = _client_or_none(pool, params.get("ClientId"))
    row = effective_customization(pool, client)
    described: dict = {"UserPoolId": pool.pk, "ClientId": client.client_id if client else ALL_CLIENTS}
    if row is None:
        return described
    if row.css:
        described.update(CSS=row.css, CSSVersion=row.css_version)
    if row.image:
        described["ImageUrl"] = logo_url(row)
    described.update(CreationDate=row.created, LastModifiedDate=row.modified)
    return described


def logo_url(row: UICustomization) -> str:
    """Where the hosted UI serves this customization's logo."""
    suffix = f"?client_id={row.client_id}" if row.client_id else ""
    return f"{settings.PUBLIC_URL}/{row.pool_id}/ui/logo{suffix}"


# --- managed-login branding ---------------------------------------------------------------------

def _assets(given: list[dict] | None) -> list[dict]:
    assets = []
    for asset in given or []:
        item = dict(asset)
        if isinstance(item.get("Bytes"), bytes):
            item["Bytes"] = base64.b64encode(item["Bytes"]).decode()
        assets.append(item)
    return assets


def _check_values(params: dict) -> None:
    if params.get("UseCognitoProvidedValues") and (params.get("Settings") or params.get("Assets")):
        raise InvalidParameterException("Settings and Assets cannot be set when UseCognitoProvidedValues is true.")


@transaction.atomic
def create_branding(params: dict) -> ManagedLoginBranding:
    """CreateManagedLoginBranding: one style per app client."""
    pool = get_pool(params["UserPoolId"])
    client = get_client(pool.pk, params["ClientId"])
    _check_values(params)
    try:
        with transaction.atomic():
            return ManagedLoginBranding.objects.create(
                pool=pool, client=client, use_cognito_provided_values=bool(params.get("UseCognitoProvidedValues")),
                settings=params.get("Settings") or {}, assets=_assets(params.get("Assets")),
            )
    except IntegrityError:
        raise ManagedLoginBrandingExistsException() from None


def get_branding(pool_id: str, branding_id: str, *, lock: bool = False) -> ManagedLoginBranding:
    """A branding style of the pool by id, or ResourceNotFoundException."""
    rows = ManagedLoginBranding.objects.select_for_update() if lock else ManagedLoginBranding.objects
    row = rows.filter(pool_id=pool_id, pk=branding_id).first() if _is_uuid(branding_id) else None
    if row is None:
        get_pool(pool_id)
        raise ResourceNotFoundException(f"Managed login branding {branding_id} does not exist.")
    return row


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def branding_of_client(pool_id: str, client_id: str) -> ManagedLoginBranding:
    """DescribeManagedLoginBrandingByClient's lookup."""
    get_client(pool_id, client_id)
    row = ManagedLoginBranding.objects.filter(pool_id=pool_id, client_id=client_id).first()
    if row is None:
        raise ResourceNotFoundException(f"Managed login branding for client {client_id} does not exist.")
    return row


@transaction.atomic
def update_branding(params: dict) -> ManagedLoginBranding:
    """UpdateManagedLoginBranding: replaces what is given."""
    if not params.get("UserPoolId") or not params.get("ManagedLoginBrandingId"):
        raise InvalidParameterException("UserPoolId and ManagedLoginBrandingId are required.")
    row = get_branding(params["UserPoolId"], params["ManagedLoginBrandingId"], lock=True)
    _check_values(params)
    if "UseCognitoProvidedValues" in params:
        row.use_cognito_provided_values = bool(params["UseCognitoProvidedValues"])
        if row.use_cognito_provided_values:
            row.settings, row.assets = {}, []
    if "Settings" in params:
        row.settings = params["Settings"] or {}
    if "Assets" in params:
        row.assets = _assets(params["Assets"])
    row.save()
    return row


@transaction.atomic
def delete_branding(pool_id: str, branding_id: str) -> None:
    """DeleteManagedLoginBranding."""
    get_branding(pool_id, branding_id, lock=True).delete()


def describe_branding(row: ManagedLoginBranding) -> dict:
    """The ManagedLoginBrandingType shape."""
    described: dict = {
        "ManagedLoginBrandingId": str(row.pk), "UserPoolId": row.pool_id,
        "UseCognitoProvidedValues": row.use_cognito_provided_values,
        "CreationDate": row.created, "LastModifiedDate": row.modified,
    }
    if row.settings:
        described["Settings"] = row.settings
    if row.assets:
        described["Assets"] = row.assets
    return described
