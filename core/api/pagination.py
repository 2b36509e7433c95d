from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """The one paginator: `?page=` and `?page_size=` (capped, never an error)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
