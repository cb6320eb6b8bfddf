"""Step types, registered in one explicit mapping (type name -> class)."""
from __future__ import annotations

from .acid_scrub import AcidScrub
from .base import Context, Param, Step, StepOutcome
from .carbonate import Carbonate
from .crystallise import Crystallise
from .discharge import Discharge
from .dismantle import Dismantle
from .evaporate import Evaporate
from .flare import Flare
from .leach import Leach
from .precipitate import Precipitate
from .quench import Quench
from .receive import Receive
from .regenerate_sse import RegenerateSSE
from .relithiate_cathode import RelithiateCathode
from .scrub import Scrub
from .separate import Separate
from .shred import Shred
from .smelt import Smelt
from .treat_water import TreatWater

STEP_TYPES: dict[str, type[Step]] = {
    cls.type: cls for cls in (Discharge, Dismantle, Shred, Quench, Separate, RegenerateSSE,
                              RelithiateCathode, Leach, Precipitate, TreatWater, Smelt, Scrub,
                              AcidScrub, Flare, Carbonate, Receive, Crystallise,
                              Evaporate)
}

__all__ = ["STEP_TYPES", "Context", "Param", "Step", "StepOutcome"]
