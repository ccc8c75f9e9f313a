"""What the apps' API modules share: validating an input, naming the caller's arrangement,
the serializer base of objects with a page, and the viewset base of the writes.

A write validates an input serializer (a 400 naming each field otherwise), calls the service
the page calls (its PermissionDenied is a 403, its ValidationError a 400:
``trust_portal.api.exception_handler``) and answers with the object as it now reads.
"""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import arrangements_for
from trust_portal.api.lists import ListsEveryWay


def valid(input_class, data, **kwargs) -> dict:
    """The request's input, validated: a 400 naming each field otherwise."""
    found = input_class(data=data, **kwargs)
    found.is_valid(raise_exception=True)
    return dict(found.validated_data)


def arrangement_named(user, trust: str):
    """The caller's arrangement named by its trust's code; 404 for any other."""
    return get_object_or_404(arrangements_for(user), trust__code=trust.upper())


def kept_unless_given(instance, change_input, given: dict, **current) -> dict:
    """What a partial change saves: each field ``change_input`` may change (but its reason) as
    ``instance`` has it, or as ``current`` says, and those ``given`` instead."""
    names = [name for name in change_input().fields if name != "reason" and name not in current]
    return {name: getattr(instance, name) for name in names} | current | given


def key_parameter(description: str) -> OpenApiParameter:
    """The schema's ``key`` in the path: an object named by a key rather than an id."""
    return OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description=description)


# A serializer of something with its own page subclasses this; ``url`` is the page's address.
# (No docstring here: the schema would give it to every subclass's component.)
class PageSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)


# The viewset base of the apps' writes: subclasses name their serializer, filter, kind and
# which rule each write needs (``write_actions``). (No docstring: the schema reads the
# subclass's own.)
class WritingViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RoleMay]
    # The keyword a subclass's services name their object by ("risk", "team"): see _call.
    noun = None

    def fresh_queryset(self):
        """Where a write reads its object back from, to answer with it."""
        return self.get_queryset()

    def _done(self, instance, code=status.HTTP_200_OK):
        """The object as it now reads: what every write answers with."""
        fresh = self.fresh_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _call(self, service, input_class=None):
        """``service(by=the caller, <noun>=the object, **the validated input)``, answered with
        the object as it now reads."""
        instance = self.get_object()
        data = valid(input_class, self.request.data) if input_class else {}
        service(by=self.request.user, **{self.noun: instance}, **data)
        return self._done(instance)


# Objects named in the path by a key (``/api/v1/risks/NCT-R01/``) rather than an id.
class KeyedMixin:
    lookup_url_kwarg = "key"
    key_pattern: re.Pattern = None
    # "Name the risk as NCT-R01.": the 404 for a key that is not of the pattern's form.
    key_form = ""

    def object_by_key(self, found: re.Match):
        """The object the key's parts (the pattern's groups) name, or 404."""
        raise NotImplementedError

    def get_object(self):
        found = self.key_pattern.match(self.kwargs.get(self.lookup_url_kwarg) or "")
        if found is None:
            raise Http404(self.key_form)
        instance = self.object_by_key(found)
        self.check_object_permissions(self.request, instance)
        return instance


# The viewset of a register's records, each kept in an arrangement by one save service,
# ``save(by=, arrangement=, <noun>=the record when it is a change, **fields)``, and closed and
# reopened with a reason (the risks, the teams). Subclasses name the services and the inputs,
# and find what a field names in the arrangement (``found_in``); each action's description is
# the subclass's ``extend_schema_view``'s. (No docstring: the schema reads the subclass's.)
class RegisterViewSet(WritingViewSet):
    create_input = None
    change_input = None
    close_input = None
    reopen_input = None
    save_service = None
    close_service = None
    reopen_service = None

    def found_in(self, arrangement, data: dict) -> dict:
        """``data`` with each field naming something of the arrangement replaced by it."""
        return data

    def create(self, request):
        data = valid(self.create_input, request.data)
        arrangement = arrangement_named(request.user, data.pop("trust"))
        data = self.found_in(arrangement, data)
        record = self.save_service(by=request.user, arrangement=arrangement, **data)
        return self._done(record, status.HTTP_201_CREATED)

    def partial_update(self, request, **kwargs):
        record = self.get_object()
        data = self.found_in(record.arrangement, valid(self.change_input, request.data))
        fields = kept_unless_given(record, self.change_input, data)
        self.save_service(
            by=request.user, arrangement=record.arrangement, **{self.noun: record}, **fields
        )
        return self._done(record)

    @action(detail=True, methods=["post"])
    def close(self, request, **kwargs):
        return self._call(self.close_service, self.close_input)

    @action(detail=True, methods=["post"])
    def reopen(self, request, **kwargs):
        return self._call(self.reopen_service, self.reopen_input)
