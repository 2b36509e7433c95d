"""The API's error answers, documented once for every operation.

Every error has one shape (`{"code", "detail", "fields"}`, see core.api.errors).
Rather than each view listing the errors it can give, `AutoSchema` derives them
from what the operation takes: a body or query can be invalid (400), a signed-in
operation can be refused (401/403), a path names an object that may not exist or
not be the caller's (404), a change can meet a state that forbids it (409), an
Idempotency-Key can be reused with another body (422), and any request can be
throttled (429) or meet a database that is briefly away (503). A view that says
more about one of these (a description of its own) keeps it; a view that by design
never gives one of them names it in `schema_never_answers` (a payment webhook never
says 404, which would tell whether an order exists).
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from django_filters.filters import NumberFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

# Django's form and DRF's char fields refuse the NUL character (ProhibitNullCharactersValidator).
NO_NUL = "^[^\\x00]*$"
# ... and, unless blank is allowed, a value that is only whitespace once trimmed.
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
# django-filter's NumberFilter refuses numbers above this (its overflow guard).
NUMBER_FILTER_MAX = 1e50
SLUG = "^[-a-zA-Z0-9_]+$"
# A wall-clock time as DRF reads and writes it ("09:00", "09:00:00"); OpenAPI's `format: time`
# would demand a UTC offset, which a WIB wall-clock time does not have.
WALL_CLOCK_TIME = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?$"


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs to switch on (`session_full`, `not_found`).")
    detail = serializers.CharField(help_text="For people, in the language of the request.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Field name → its errors (a list of messages, nested for nested input); empty otherwise.",
    )


def error_response(description: str) -> OpenApiResponse:
    """An error answer with a view's own description, in the one error shape."""
    return OpenApiResponse(response=ErrorSerializer, description=description)


DESCRIPTIONS = {
    "400": "The request is not valid; `fields` says which values and why.",
    "401": "Not signed in (send X-Session-Token or a session cookie).",
    "403": "Signed in, but not allowed to do this (or the CSRF check failed).",
    "404": "No such object among those the caller may see, or no such page.",
    "409": "The object's current state does not allow this (see `code`).",
    "415": "The body is not JSON.",
    "422": "This Idempotency-Key was already used with another request.",
    "429": "Too many requests; wait for Retry-After seconds.",
    "503": "The service is briefly unavailable; try again after Retry-After seconds.",
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, saying what our inputs really accept and which errors can come."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        # DRF validates a PATCH as partial only when the view asks it to: our model
        # serializers do (`partial=True`); plain input serializers are validated as they are.
        if (
            self.method == "PATCH"
            and is_serializer(serializer)
            and not isinstance(force_instance(serializer), serializers.ModelSerializer)
        ):
            self.method = "PUT"
            try:
                return self._request_schema(serializer, direction)
            finally:
                self.method = "PATCH"
        return self._request_schema(serializer, direction)

    def _request_schema(self, serializer, direction):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        # A body whose fields are all optional one by one but that needs one of them.
        if is_serializer(serializer) and getattr(force_instance(serializer), "openapi_extra", None):
            required = True
        # A body that is not a serializer (a gateway's JSON object) but must be sent.
        if getattr(self.view, "schema_body_required", False):
            required = True
        return schema, required

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # Rules across fields that a serializer states for clients (e.g. "lines or seats").
        extra = getattr(serializer, "openapi_extra", None)
        if extra and direction == "request":
            schema = {**schema, **copy.deepcopy(extra)}
        # Answer fields only some callers get (a guest's token): present or absent, never null.
        optional = getattr(serializer, "openapi_optional", ())
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "response" and isinstance(field, serializers.ChoiceField) and field.read_only:
            # DRF drops `allow_blank` from read-only fields; a model field with blank=True still answers "".
            model_field = _model_field(field)
            if model_field is not None and model_field.blank and "" not in schema.get("enum", [""]):
                schema["enum"] = [*schema["enum"], ""]
        if isinstance(field, serializers.TimeField):
            schema.pop("format", None)
            schema["pattern"] = WALL_CLOCK_TIME
        if isinstance(field, serializers.ListSerializer | serializers.ListField) and not field.allow_empty:
            schema.setdefault("minItems", 1)
        if isinstance(field, serializers.SlugField) and not field.allow_unicode:
            schema.setdefault("pattern", SLUG)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and not {"enum", "format", "pattern"} & set(schema)
        ):
            blank_refused = not field.allow_blank and field.trim_whitespace
            schema["pattern"] = NOT_BLANK if blank_refused else NO_NUL
        return schema

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        content = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        for parameter in operation.get("parameters", []):
            # The filters read `?technique=` as "any technique", as HTML forms send it.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation.setdefault("responses", {})
        for status in self._error_statuses(operation):
            described = responses.setdefault(status, {"description": DESCRIPTIONS[status]})
            described.setdefault("content", content)
        return operation

    def _error_statuses(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        locations = {parameter["in"] for parameter in parameters}
        has_body = "requestBody" in operation
        signed_in = any(requirement for requirement in operation.get("security", []))
        unsafe = self.method in UNSAFE
        paginated = self._is_list_view() and self._get_paginator() is not None
        statuses = []
        if has_body or locations - {"path"}:
            statuses.append("400")
        if signed_in:
            statuses += ["401", "403"]
        # DRF answers an unknown `?format=` with 404.
        has_format = any(p["in"] == "query" and p["name"] == "format" for p in parameters)
        if "path" in locations or paginated or unsafe or has_format:
            statuses.append("404")
        if unsafe:
            statuses.append("409")
        if has_body:
            statuses.append("415")
        if any(p["in"] == "header" and p["name"].lower() == "idempotency-key" for p in parameters):
            statuses.append("422")
        statuses += ["429", "503"]
        never = getattr(self.view, "schema_never_answers", ())
        return [status for status in statuses if status not in never]


def _model_field(field: serializers.Field):
    """The model field a serializer field reads, when the serializer is a model serializer."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class FilterExtension(DjangoFilterExtension):
    """django-filter's query parameters with the bounds the filters enforce (min/max, length, no NUL)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        extra = filter_field.extra
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") in ("integer", "number"):
                if extra.get("min_value") is not None:
                    schema["minimum"] = extra["min_value"]
                if extra.get("max_value") is not None:
                    schema["maximum"] = extra["max_value"]
                elif isinstance(filter_field, NumberFilter):
                    schema["maximum"] = NUMBER_FILTER_MAX
            elif schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
                if extra.get("max_length") is not None:
                    schema["maxLength"] = extra["max_length"]
                schema["pattern"] = NO_NUL
        return parameters
