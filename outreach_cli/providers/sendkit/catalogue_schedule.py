"""SendKit's sending-schedule rules: timezone, hours, working days (part of catalogue.py)."""

from __future__ import annotations

from ..catalogue import Probe, Rule
from .catalogue_sources import CREATE, UPDATE

P = Probe
SAND_SCHED = "sandbox/sendkit/validation.py _validate_schedule"
T_DIS = "tests/rules/test_sendkit_disagreements.py::"
T_SAND = "tests/sandbox/sendkit/test_validation.py::"

SCHEDULE_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-42",
        "schedule is merged into the existing one on PATCH",
        UPDATE,
        "Update sending schedule (merged into existing)",
        "documented",
        "accepted",
        client="adapter.py patch_body (_changed_subtree)",
        sandbox=SAND_SCHED,
        tested_by=(T_SAND + "test_settings_patch_merges_and_keeps_untouched_keys",),
    ),
    Rule(
        "SK-43",
        "schedule.timezone is an IANA name (default America/New_York)",
        CREATE,
        'IANA timezone (default "America/New_York")',
        "documented",
        "error",
        client="rules_settings.py _schedule (timezone_problem)",
        sandbox=SAND_SCHED,
        probes=(
            P("unknown-zone", {"schedule": {"timezone": "Mars/Olympus"}}, "refuse", "refuse"),
            P("known-zone", {"schedule": {"timezone": "Europe/Paris"}}, "accept", "accept"),
        ),
    ),
    Rule(
        "SK-44",
        "startTime/endTime are HH:MM",
        CREATE,
        'Daily start time in HH:MM format (default "09:00")',
        "documented",
        "error",
        client="schema.json $defs.hhmm",
        sandbox=SAND_SCHED,
        probes=(
            P(
                "hour-24",
                {"schedule": {"startTime": "24:00", "endTime": "23:59"}},
                "refuse",
                "refuse",
            ),
            P(
                "bounds",
                {"schedule": {"startTime": "00:00", "endTime": "23:59"}},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-45",
        "endTime is later than startTime (a time left out is the live one on an "
        "update, the default on a create)",
        UPDATE,
        "Update sending schedule (merged into existing)",
        "choice",
        "error",
        client="rules_settings.py _schedule (both times written); adapter.py window_problem "
        "(plan: one time written, against the live schedule or the create's default)",
        sandbox=SAND_SCHED,
        why="Docs silent; an empty window never sends, so both sides refuse it as "
        "outreach's rule. The create page's defaults (09:00, 17:00) fill a time a create "
        "leaves out; an update is merged into the live schedule, so a lone time is held "
        "to the live value of the other, which only plan knows (issue 21: validate held "
        "it to the default and refused a file the live schedule made valid).",
        probes=(
            P(
                "start-after-end",
                {"schedule": {"startTime": "18:00", "endTime": "09:00"}},
                "refuse",
                "refuse",
            ),
            P(
                "equal",
                {"schedule": {"startTime": "10:00", "endTime": "10:00"}},
                "refuse",
                "refuse",
            ),
            # Offline the live endTime is unknown: plan judges it (tested_by).
            P(
                "start-only-after-default-end",
                {"schedule": {"startTime": "18:00"}},
                "accept",
                "refuse",
            ),
            P(
                "start-only-before-default-end",
                {"schedule": {"startTime": "16:59"}},
                "accept",
                "accept",
            ),
        ),
        tested_by=(
            T_DIS + "test_a_lone_start_time_is_held_to_the_live_end_time_not_the_default",
            T_DIS + "test_a_lone_start_time_on_a_create_is_held_to_the_default_end_time",
        ),
    ),
    Rule(
        "SK-46",
        "workingDays are integers 0 (Sun) to 6 (Sat)",
        CREATE,
        "Days of week to send (0=Sun, 6=Sat). Default [1,2,3,4,5]",
        "documented",
        "error",
        client="schema.json schedule.workingDays",
        sandbox=SAND_SCHED,
        probes=(
            P("day-7", {"schedule": {"workingDays": [1, 7]}}, "refuse", "refuse"),
            P("days-0-and-6", {"schedule": {"workingDays": [0, 6]}}, "accept", "accept"),
        ),
    ),
    Rule(
        "SK-47",
        "workingDays is not empty and names each day once",
        CREATE,
        "Days of week to send (0=Sun, 6=Sat).",
        "choice",
        "error",
        client="rules_settings.py _schedule",
        sandbox=SAND_SCHED,
        why="Docs silent; no day never sends and a repeated day is a typo outreach cannot "
        "read the intent of: refused on both sides as outreach's rule.",
        probes=(
            P("empty", {"schedule": {"workingDays": []}}, "refuse", "refuse"),
            P("repeated", {"schedule": {"workingDays": [1, 1]}}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "SK-48",
        "skipNationalHolidays is a boolean (default true)",
        CREATE,
        "Skip sending on national holidays (default true)",
        "documented",
        "error",
        client="schema.json schedule.skipNationalHolidays",
        sandbox=SAND_SCHED,
        probes=(
            P("not-boolean", {"schedule": {"skipNationalHolidays": "no"}}, "refuse", "refuse"),
        ),
    ),
)
