"""The generic template core: scanning, "did you mean", rendering with conditional fallbacks."""

from __future__ import annotations

import pytest

from outreach_cli import templates as t
from outreach_cli.htmltext import html_to_text
from outreach_cli.providers.puffle.templates import VARIABLES as PUFFLE
from outreach_cli.providers.sendkit.templates import VARIABLES as SENDKIT


def spot(
    text: str,
    syntax: t.Syntax = t.BRACES,
    conditions: tuple[t.Condition, ...] = (),
    wrong: t.Syntax | None = None,
    kind: str = "body",
) -> t.Spot:
    return t.Spot(("x",), text, kind, syntax, wrong, conditions)


def test_scan_finds_variables_with_their_offsets() -> None:
    text = "Hi {{firstName}}, about {{ companyName }}."
    tokens, problems = t.scan(text, t.BRACES)
    assert problems == []
    assert [(k.name, text[k.start : k.start + len(k.raw)]) for k in tokens] == [
        ("firstName", "{{firstName}}"),
        ("companyName", "{{ companyName }}"),
    ]


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("Hi {{firstName", "without a closing"),
        ("Hi {{firstName}, ok", "without a closing"),
        ("Hi firstName}} ok", "without an opening"),
        ("Hi {{{firstName}}}", "unbalanced"),
        ("Hi {{first name}}", "is not a variable"),
    ],
)
def test_unbalanced_and_malformed_braces_are_errors(text: str, fragment: str) -> None:
    found = t.check(spot(text), SENDKIT)
    assert any(fragment in f.message and f.severity == "error" for f in found), found


def test_css_braces_in_a_style_block_are_not_variables() -> None:
    html = "<style>@media (max-width:600px){.a{color:red}}</style><p>Hi {{firstName}}</p>"
    assert t.check(spot(html), SENDKIT) == []


@pytest.mark.parametrize(
    "name,expected",
    [
        ("compnyName", "companyName"),
        ("fristName", "firstName"),
        ("FirstName", "firstName"),
        ("first_name", "firstName"),
        ("lastname", "lastName"),
        ("weather", None),
    ],
)
def test_suggest(name: str, expected: str | None) -> None:
    assert t.suggest(name, SENDKIT.known()) == expected


def test_close_misspelling_is_an_error_far_one_a_warning_declared_one_fine() -> None:
    close = t.check(spot("{{compnyName}}"), SENDKIT)
    assert [f.severity for f in close] == ["error"]
    assert "did you mean {{companyName}}" in close[0].message
    far = t.check(spot("{{industry}}"), SENDKIT)
    assert [f.severity for f in far] == ["warning"]
    assert t.check(spot("{{industry}}"), SENDKIT, ["industry"]) == []


def test_percent_in_a_signature_and_braces_in_a_signature() -> None:
    sig = spot(
        "Best,\n%first_name% %sender_first_name% %custom_fields.plan%",
        t.PERCENT,
        wrong=t.BRACES,
        kind="signature",
    )
    assert t.check(sig, PUFFLE, ["plan"]) == []
    wrong = t.check(
        spot("Best, {{first_name}}", t.PERCENT, wrong=t.BRACES, kind="signature"), PUFFLE
    )
    assert [f.severity for f in wrong] == ["warning"]  # the README: the wrong syntax is a warning
    assert "write %first_name%" in wrong[0].message


def test_a_percent_sign_in_prose_is_not_a_variable() -> None:
    node = spot("cut costs by 40% and 50% faster", wrong=t.PERCENT)
    assert t.check(node, PUFFLE) == []


def test_render_reports_missing_fields_and_sender_placeholders() -> None:
    done = t.render(spot("Hi {{first_name}} at {{company}}"), {"first_name": "Ann"}, PUFFLE)
    assert done == t.Rendered("Hi Ann at ", ("company",))
    sig = t.render(spot("%sender_first_name%", t.PERCENT), {}, PUFFLE)
    assert sig == t.Rendered("[sender_first_name]", ())


def test_sendkit_company_alias_reads_company_name() -> None:
    done = t.render(spot("{{company}}"), {"companyName": "Acme"}, SENDKIT)
    assert done.text == "Acme"


def test_conditional_variable_gives_a_fallback() -> None:
    cond = (
        t.Condition(
            "companyName", "has_value", content="at {{companyName}}", fallback="at your company"
        ),
    )
    body = spot("Teams {{companyName}} grow", conditions=cond)
    assert t.render(body, {"companyName": "Acme"}, SENDKIT) == t.Rendered("Teams at Acme grow", ())
    assert t.render(body, {}, SENDKIT) == t.Rendered("Teams at your company grow", ())
    bare = (t.Condition("companyName", "equals", value="Acme", content="ACME!"),)
    other = spot("{{companyName}}", conditions=bare)
    assert t.render(other, {"companyName": "Acme"}, SENDKIT).text == "ACME!"
    assert t.render(other, {}, SENDKIT) == t.Rendered("", ("companyName",))


def test_conditions_are_read_only_when_the_step_turns_them_on() -> None:
    defs = [{"variable": "firstName", "operator": "has_value", "fallback": "there"}]
    assert t.conditions_of({"conditionalVariables": defs}) == ()
    assert t.conditions_of({"useConditionalVariables": True, "conditionalVariables": defs}) == (
        t.Condition("firstName", "has_value", "", None, "there"),
    )


def test_html_to_text() -> None:
    html = (
        "<p>Hi Ann,</p><p>Line one<br>line two &amp; more</p>"
        "<ul><li>a</li><li>b</li></ul><p><a href='https://x.io'>see</a></p>"
    )
    assert (
        html_to_text(html)
        == "Hi Ann,\n\nLine one\nline two & more\n\n- a\n- b\n\nsee (https://x.io)"
    )
    assert html_to_text("plain\ntext\n") == "plain\ntext"


@pytest.mark.parametrize(
    "text,syntax,wrong,fix",
    [
        ("Best, {{firstName}}", t.PERCENT, t.BRACES, "write %first_name%"),
        ("Best, {{first_name}}", t.PERCENT, t.BRACES, "write %first_name%"),
        ("Hi %firstName%", t.BRACES, t.PERCENT, "write {{first_name}}"),
        ("Hi %company%", t.BRACES, t.PERCENT, "write {{company}}"),
    ],
)
def test_the_wrong_syntax_names_the_right_spelling(
    text: str, syntax: t.Syntax, wrong: t.Syntax, fix: str
) -> None:
    found = t.check(spot(text, syntax, wrong=wrong), PUFFLE)
    assert [(f.severity, fix in f.message) for f in found] == [("warning", True)], found
