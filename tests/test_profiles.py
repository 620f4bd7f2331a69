"""Business profile loading, validation and routing by called number."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from switchboard.errors import ProfileError
from switchboard.profiles import (
    BusinessProfile,
    Office,
    ProfileRegistry,
    default_profiles_dir,
    load_profile,
    normalize_phone,
)

DEMO = default_profiles_dir() / "bayside-vision.yaml"
SHARED_FACTS = Path("/work/shared/demo-business.yaml")

TINY = {
    "name": "Lakeside Dental",
    "called_numbers": ["+16175550100"],
    "timezone": "America/Chicago",
    "agent": {"name": "Sam"},
    "greeting": "Hi, this is Sam, Lakeside Dental's automated assistant. How can I help?",
    "front_desk": "+16175550110",
    "offices": [
        {
            "id": "north",
            "name": "Northfield",
            "aliases": ["North End"],
            "address": "1 Main St, Northfield, MN 55057",
            "phone": "+16175550111",
            "hours": "Monday to Friday 9 AM to 4 PM",
        }
    ],
    "insurance_plans": ["Delta Dental"],
    "emergency": {"signs": ["knocked out tooth"], "instruction": "Call 911 now."},
}


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def test_demo_profile_loads_with_every_fact():
    profile = load_profile(DEMO)
    assert profile.id == "bayside-vision"
    assert profile.name == "Bayside Vision Care"
    assert profile.agent.name == "AVA" and profile.agent.spoken_name == "Eva"
    assert profile.front_desk == "+13055550110"
    assert [o.id for o in profile.offices] == [
        "kendall",
        "coral-gables",
        "hialeah",
        "austin",
        "round-rock",
    ]
    assert profile.office("round-rock").hours.startswith("Monday to Thursday")
    assert "Cedar Park" in profile.office("round-rock").aliases
    assert len(profile.faqs) == 6 and len(profile.providers) == 5
    assert "911" in profile.emergency.instruction
    assert profile.echo_gate is True
    assert "um" in profile.fillers_for("en") and "uh-huh" not in profile.fillers_for("en")


@pytest.mark.skipif(not SHARED_FACTS.exists(), reason="shared demo facts not present")
def test_demo_profile_carries_all_shared_facts():
    facts = yaml.safe_load(SHARED_FACTS.read_text())
    profile = load_profile(DEMO)
    assert profile.name == facts["name"]
    assert profile.called_numbers == facts["called_numbers"]
    assert profile.timezone == facts["timezone"]
    assert profile.greeting == facts["greeting"]
    assert profile.front_desk == facts["front_desk"]
    assert profile.agent.model_dump() == facts["agent"]
    assert [o.model_dump() for o in profile.offices] == facts["offices"]
    assert profile.services == facts["services"]
    assert [p.model_dump() for p in profile.providers] == facts["providers"]
    assert profile.insurance_plans == facts["insurance_plans"]
    assert [f.model_dump() for f in profile.faqs] == facts["faqs"]
    assert profile.emergency.model_dump() == facts["emergency"]


def test_phrasing_has_defaults_and_can_be_overridden(tmp_path):
    data = dict(TINY, phrases={"reprompt": "Hello, are you there?"})
    profile = load_profile(write(tmp_path, "lakeside.yaml", data))
    assert profile.phrases.reprompt == "Hello, are you there?"
    assert profile.phrases.ask_anything_else.endswith("?")
    assert profile.id == "lakeside"
    assert profile.agent.spoken_name == "Sam"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("name"), "name"),
        (lambda d: d.update(front_desk="555-nope"), "front_desk"),
        (lambda d: d.update(called_numbers=["+1 617 555"]), "called_numbers.0"),
        (lambda d: d["offices"][0].update(phone="12"), "offices.0.phone"),
        (lambda d: d.update(timezone="Mars/Olympus"), "timezone"),
        (
            lambda d: d.update(providers=[{"name": "Dr. X", "offices": ["south"]}]),
            "providers.0.offices",
        ),
        (lambda d: d.update(phrases={"ask_name": "Tell me your name."}), "phrases"),
        (lambda d: d.update(phrases={"recap": "You're booked."}), "phrases"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.update(sounds_like={"Delta Dental": ["delta"]}), "sounds_like"),
        (lambda d: d.update(sounds_like={"Delta": []}), "sounds_like"),
        (lambda d: d.update(sounds_like={"Delta": ["del-2"]}), "sounds_like"),
    ],
)
def test_invalid_profile_names_the_file_and_field(tmp_path, mutate, field):
    data = yaml.safe_load(yaml.safe_dump(TINY))
    mutate(data)
    path = write(tmp_path, "bad.yaml", data)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.path == str(path)
    assert info.value.field == field
    assert str(path) in str(info.value)


def test_unreadable_and_malformed_files_are_profile_errors(tmp_path):
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "missing.yaml")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(write(tmp_path, "broken.yaml", "name: [unclosed\n"))
    with pytest.raises(ProfileError, match="mapping"):
        load_profile(write(tmp_path, "list.yaml", "- a\n- b\n"))


def test_registry_routes_by_called_number_and_falls_back_to_default(tmp_path):
    write(tmp_path, "a-bayside.yaml", yaml.safe_load(DEMO.read_text()))
    write(tmp_path, "b-lakeside.yaml", TINY)
    registry = ProfileRegistry.load_dir(tmp_path)
    assert len(registry) == 2
    assert registry.default.id == "bayside-vision"  # marked default in its file
    assert registry.for_called_number("+16175550100").name == "Lakeside Dental"
    assert registry.for_called_number("(617) 555-0100").name == "Lakeside Dental"
    assert registry.for_called_number("+15125550100").id == "bayside-vision"
    assert registry.for_called_number("+19995550000").id == "bayside-vision"
    assert registry.for_called_number("") is registry.default
    assert registry.get("b-lakeside").offices[0].name == "Northfield"
    with pytest.raises(KeyError):
        registry.get("nope")


def test_registry_merges_every_profiles_sounds_like_by_lower_case_word(tmp_path):
    write(tmp_path, "a.yaml", dict(TINY, sounds_like={"Cigna": ["signa"]}))
    other = dict(TINY, name="Other", called_numbers=["+16175550199"])
    write(tmp_path, "b.yaml", dict(other, sounds_like={"cigna": ["signa", "sig nah"]}))
    registry = ProfileRegistry.load_dir(tmp_path)
    assert registry.sounds_like() == {"cigna": ["signa", "sig nah"]}


def test_registry_refuses_two_profiles_on_one_number(tmp_path):
    write(tmp_path, "one.yaml", TINY)
    write(tmp_path, "two.yaml", dict(TINY, name="Other"))
    with pytest.raises(ProfileError, match="already routed"):
        ProfileRegistry.load_dir(tmp_path)


def test_registry_refuses_empty_directory(tmp_path):
    with pytest.raises(ProfileError):
        ProfileRegistry.load_dir(tmp_path)


def test_bundled_profiles_dir_loads():
    registry = ProfileRegistry.load_dir(default_profiles_dir())
    assert isinstance(registry.default, BusinessProfile)
    assert registry.for_called_number("+13055550100").id == "bayside-vision"


def test_normalize_phone():
    assert normalize_phone("305-555-0123") == "+13055550123"
    assert normalize_phone("+1 (512) 555 0199") == "+15125550199"
    assert normalize_phone("12345") is None


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("600 Congress Avenue, Suite 1200, Austin, TX 78701", "congress"),
        ("2100 Ponce de Leon Boulevard, Suite 400, Coral Gables, FL 33134", "ponce de leon"),
        ("12500 SW 88th Street, Suite 210, Miami, FL 33186", ""),
        ("1450 West 49th Street, Hialeah, FL 33012", ""),
        ("2800 South IH-35 Frontage Road, Suite 105, Round Rock, TX 78681", ""),
        ("77 North Lamar Blvd, Austin, TX", "lamar"),
    ],
)
def test_an_offices_street_is_named_as_a_caller_would_say_it(address, street):
    office = Office(id="x", name="X", address=address, phone="+15125550100", hours="Mon-Fri 9-5")
    assert office.street_name() == street
