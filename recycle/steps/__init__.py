"""Step types, registered in one explicit mapping (type name -> class)."""
from __future__ import annotations

from .base import Context, Param, Step, StepOutcome
from .dismantle import Dismantle
from .flare import Flare
from .quench import Quench
from .regenerate_sse import RegenerateSSE
from .scrub import Scrub

STEP_TYPES: dict[str, type[Step]] = {
    cls.type: cls for cls in (Dismantle, Quench, RegenerateSSE, Scrub, Flare)
}

__all__ = ["STEP_TYPES", "Context", "Param", "Step", "StepOutcome"]
