"""Django's models module of the ``targets`` app: the models live in the domain layer
(``targets.domain.models``); Django looks for them here. Project code imports
``targets.domain.models``."""

from targets.domain.models import *  # noqa: F403
from targets.domain.models import __all__  # noqa: F401
