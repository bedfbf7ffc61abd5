"""encours: an embeddable engine for B2B credit management and collections.

Exact money (``decimal.Decimal``, never ``float``) with its currency, the
accounts-receivable ledger, and its reports. Everything is computed by the Rust
core; this package converts Python values and delegates.

Report tables speak the Arrow PyCapsule interface: ``pyarrow.table(t)``,
``polars.DataFrame(t)`` and duckdb read them without a copy through Python
objects; ``t.to_pandas()`` and ``t.to_polars()`` do it in one call.
"""

from encours._encours import *  # noqa: F403
from encours._encours import __all__ as __all__
from encours._encours import __version__ as __version__
