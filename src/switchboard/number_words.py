"""The words callers say digits with, shared by the recognizer (which counts them), the
understanding layer (which reads numbers from them) and speech output (which reads numbers
out digit by digit). They sit here because speech and the brain do not import each other.
"""

from __future__ import annotations

__all__ = ["DIGIT_NAMES", "ZERO_WORDS"]

#: The digits' names, in order: DIGIT_NAMES[7] == "seven".
DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
#: Other words said for zero ("three oh five").
ZERO_WORDS = ("oh",)
