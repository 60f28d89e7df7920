"""One small function per subsidy item, grouped by the policy's chapters.

Importing this package registers every item in ``REGISTRY`` in policy order.
"""

from rules.items import clusters, ecosystem, environment, growth, space  # noqa: F401
from rules.items.base import REGISTRY, ItemDef

__all__ = ["REGISTRY", "ItemDef"]
