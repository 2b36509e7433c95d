"""What every host endpoint shares: hosts only, and the path's objects looked up for the caller."""

from rest_framework.generics import GenericAPIView, ListAPIView

from workshops.permissions import IsHost


class HostMixin:
    """Signed-in workshop members; a tourist gets 403, a stranger's object 404."""

    permission_classes = [IsHost]

    @property
    def fake(self) -> bool:
        # drf-spectacular builds the schema without a real caller.
        return getattr(self, "swagger_fake_view", False)


class HostView(HostMixin, GenericAPIView):
    pass


class HostListView(HostMixin, ListAPIView):
    """A paginated list; subclasses give get_queryset() (and may add a POST)."""
