"""The JSON API under ``/api/v1/`` (issue 18), on Django REST framework and drf-spectacular.

- ``auth``: personal API tokens (``Authorization: Bearer <key>``); anonymous → 401;
- ``throttling``: request rates per token;
- ``rollup``: the one place that calls the pages' scope and roll-up functions;
- ``serializers``, ``views``, ``urls``: the endpoints; every write goes through
  ``targets.domain.services`` (scope, workflow, validation, version check, history).
"""
