"""Keep pytest from importing the Odoo addon root as the tests' parent package."""

import sys
import types
from pathlib import Path


def _shield_addon_root():
    """The repository root is the Odoo addon (its ``__init__`` imports odoo);
    register a placeholder module under its name so pytest does not run it."""
    root = Path(__file__).resolve().parents[2]
    if (root / "__init__.py").exists() and root.name not in sys.modules:
        placeholder = types.ModuleType(root.name)
        placeholder.__file__ = str(root / "__init__.py")
        placeholder.__path__ = []
        sys.modules[root.name] = placeholder


_shield_addon_root()
