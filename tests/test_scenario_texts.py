"""Every scenario reads whole in Chinese and in English: a title in both, as many 看点 bullets as Watch bullets, a
Chinese 改写 note beside each English Modernised note, and a narration in Chinese that shows the Chinese note, not the
English one. The states a run shows that need explaining (a zombie, an orphan, a daemon killed at exit, a process
terminated) each have a bullet that says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.engine.catalog import Scenario, Target, load_catalog, parse_docstring
from tui.engine.jsonl import read_recording
from tui.engine.model import Model, State
from tui.engine.watchpoints import seen, split_tag
from tui.widgets.narration import paragraphs, render, watch_tags

RECORDINGS = Path(__file__).parent / "recordings"
SCENARIOS = load_catalog()
IDS = [s.id for s in SCENARIOS]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2}")


def narration_text(scenario_id: str, lang: str, width: int = 60) -> tuple[str, str]:
    """The narration of a scenario: its paragraphs' text unwrapped, and as drawn ``width`` columns wide."""
    [scenario] = [s for s in SCENARIOS if s.id == scenario_id]
    paras = paragraphs(Target(scenario.path, scenario), lang)
    return "\n".join(p.prefix + p.text for p in paras), render(paras, width).plain


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_scenario_has_a_title_in_chinese_and_in_english(scenario: Scenario) -> None:
    assert CHINESE.search(scenario.title_zh), scenario.title_zh
    assert LATIN.search(scenario.title_en) and scenario.title_en != scenario.id, scenario.title_en
    assert not CHINESE.search(scenario.title_en.split(":")[0]), scenario.title_en  # the English title is English


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_scenario_has_as_many_chinese_bullets_as_english_ones(scenario: Scenario) -> None:
    assert scenario.watch_en, "no Watch bullets"
    assert len(scenario.watch_zh) == len(scenario.watch_en)
    for zh in scenario.watch_zh:
        assert CHINESE.search(split_tag(zh)[0]), zh


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_a_scenario_has_a_chinese_note_on_what_was_modernised_when_it_has_an_english_one(scenario: Scenario) -> None:
    assert bool(scenario.modernised_zh) == bool(scenario.modernised), "a Modernised note and no 改写 note, or back"
    if not scenario.modernised:
        return
    assert CHINESE.search(scenario.modernised_zh), scenario.modernised_zh
    # The same note: "none" is 无, and any other note names the same calls and numbers as the English one.
    none = scenario.modernised == "none" or scenario.modernised.startswith("none:")
    assert none == scenario.modernised_zh.startswith("无"), scenario.modernised_zh
    code = re.compile(r"[A-Za-z_][\w.]*\(|\d+(?:\.\d+)?")
    assert sorted(code.findall(scenario.modernised_zh)) == sorted(code.findall(scenario.modernised)), scenario.id


@pytest.mark.parametrize("scenario", IDS)
def test_the_chinese_narration_shows_the_chinese_note_and_no_english_one(scenario: str) -> None:
    [found] = [s for s in SCENARIOS if s.id == scenario]
    text, drawn = narration_text(scenario, "zh")
    assert f"改写：{found.modernised_zh}" in text
    assert "Modernised" not in text and "Modernised" not in drawn
    assert "Watch" not in drawn and "看点" in drawn
    assert found.title_zh in text


@pytest.mark.parametrize("scenario", IDS)
def test_the_english_narration_shows_the_english_note_and_no_chinese_one(scenario: str) -> None:
    [found] = [s for s in SCENARIOS if s.id == scenario]
    text, drawn = narration_text(scenario, "en")
    assert f"Modernised: {found.modernised}" in text
    assert "改写" not in text and "看点" not in drawn and "Watch" in drawn


def test_a_chinese_note_over_several_lines_is_read_as_one_paragraph_without_spaces_between_characters() -> None:
    doc = """中文 | English

看点:
- 第一点，
  接着说。
Watch:
- One point,
  and more.

改写：课程的代码
改成了这样。

Modernised: the course's code
became this.
"""
    info = parse_docstring(doc)
    assert info["modernised_zh"] == "课程的代码改成了这样。"
    assert info["modernised"] == "the course's code became this."
    assert info["watch_zh"] == ["第一点，接着说。"] and info["watch_en"] == ["One point, and more."]
    assert "改写" not in str(info["modernised"]) and "Modernised" not in str(info["modernised_zh"])


def zombie_bullets(scenario_id: str) -> list[tuple[str, str]]:
    [scenario] = [s for s in SCENARIOS if s.id == scenario_id]
    tags = watch_tags(scenario.watch_en, scenario.watch_zh)
    return [(split_tag(en)[0], split_tag(zh)[0]) for en, zh, tag in zip(scenario.watch_en, scenario.watch_zh, tags)
            if tag == "state zombie"]


@pytest.mark.parametrize("scenario", ["process_attributes", "daemon_process", "ticket_race", "ticket_lock"])
def test_the_scenarios_whose_children_turn_zombie_have_a_bullet_tagged_zombie_that_says_why(scenario: str) -> None:
    [(en, zh)] = zombie_bullets(scenario)
    # In plain words, both languages: ended, its exit status not collected by its parent, the OS keeps its entry as Z.
    assert "zombie" in en and "ended" in en and "exit status" in en and "marked Z" in en, en
    assert "僵尸" in zh and "结束" in zh and "退出状态" in zh and "标为 Z" in zh, zh
    assert "join()" in en + zh or "is_alive()" in en + zh  # what collects it


# The states a run shows that no other view explains, and the words a bullet uses for them (English, Chinese).
EXPLAINED = {
    State.ZOMBIE.value: (("zombie",), ("僵尸",)),
    "orphaned": (("orphan",), ("孤儿",)),
    State.DAEMON_KILLED.value: (("daemon",), ("守护",)),
    State.TERMINATED.value: (("terminat", "SIGTERM"), ("terminate", "SIGTERM", "终止", "杀死")),
}


@pytest.mark.parametrize("scenario", IDS)
def test_every_such_state_the_recorded_run_shows_has_a_bullet_that_says_so(scenario: str) -> None:
    """A zombie, orphan or daemon killed at exit in the scenario's committed recording has a bullet tagged with that
    state (it lights when the run shows it); a terminated process has a bullet in each language that says so."""
    [found] = [s for s in SCENARIOS if s.id == scenario]
    _, events = read_recording(RECORDINGS / f"{scenario}.jsonl")
    model = Model.from_events(events)
    tags = set(watch_tags(found.watch_en, found.watch_zh))
    for state, (en_words, zh_words) in EXPLAINED.items():
        if not seen(model, f"state {state}"):
            continue
        if state != State.TERMINATED.value:
            assert f"state {state}" in tags, f"the run shows {state}, no bullet is tagged with it"
        assert any(word in bullet for bullet in found.watch_en for word in en_words), f"no Watch bullet says {state}"
        assert any(word in bullet for bullet in found.watch_zh for word in zh_words), f"no 看点 bullet says {state}"
