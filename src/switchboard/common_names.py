"""Common given names and surnames: what callers say when asked their name.

Shared by the recognizer's domain corpus (so it can hear them) and the understanding layer
(so a bare name said at another question can be told from a place).
"""

from __future__ import annotations

__all__ = ["FIRST_NAMES", "SURNAMES", "is_common_first_name", "is_common_surname"]

#: Common US first names and surnames (census lists), English and Spanish.
FIRST_NAMES = (
    "james john robert michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark paul steven andrew kevin brian george edward ronald timothy jason "
    "jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon "
    "benjamin samuel gregory frank alexander raymond patrick jack dennis jerry tyler aaron "
    "jose adam henry nathan douglas peter zachary kyle walter harold jeremy ethan carl keith "
    "roger gerald christian terry sean arthur austin noah lawrence jesse joe bryan billy "
    "jordan albert dylan bruce willie gabriel alan juan logan wayne ralph roy eugene randy "
    "vincent russell louis philip bobby johnny bradley luis carlos miguel jorge pedro "
    "roberto manuel ricardo fernando javier diego alejandro antonio francisco rafael tom sam "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa "
    "betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa "
    "deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna "
    "ana brenda pamela nicole emma samantha katherine christine debra rachel catherine "
    "carolyn janet ruth maria heather diane virginia julie joyce victoria olivia kelly "
    "christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline frances "
    "gloria ann teresa kathryn sara janice jean alice madison doris abigail julia judy grace "
    "denise amber marilyn beverly danielle theresa sophia marie diana brittany natalie isabella "
    "charlotte rose alexis kayla rosa carmen lucia sofia isabel elena gabriela daniela "
    "valentina camila paula natalia adriana monica veronica patty lucas nina bianca linda kendall"
).split()
SURNAMES = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez "
    "lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson "
    "white harris sanchez clark ramirez lewis robinson walker young allen king wright scott "
    "torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter "
    "roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart "
    "morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed "
    "kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray "
    "mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez "
    "powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales "
    "fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds "
    "griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar "
    "stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington "
    "kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson "
    "porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer "
    "wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt "
    "garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn "
    "santos becker"
).split()

_FIRST_SET = frozenset(FIRST_NAMES)
_SURNAME_SET = frozenset(SURNAMES)


def is_common_first_name(word: str) -> bool:
    """Whether ``word`` (one word, any case) is one of the common first names."""
    return word.lower() in _FIRST_SET


def is_common_surname(word: str) -> bool:
    """Whether ``word`` (one word, any case) is one of the common surnames."""
    return word.lower() in _SURNAME_SET
