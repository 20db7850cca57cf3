"""One error format for the whole API: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Services raise Django's ValidationError; the API answers it as any other invalid input (400).
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
        message = str(exc.default_detail)
        code = "invalid"
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = (
            codes
            if isinstance(codes, str)
            else (codes.get("detail", "error") if isinstance(codes, dict) else "error")
        )
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
