"""One keyword list: the words that start a statement in grammar/pde.lark are exactly
`pdec.language.parse.KEYWORDS`, in the grammar's order, and every place that lists them agrees."""

import re
from pathlib import Path

import lark
import pytest

from pdec.errors import PdecError
from pdec.language.compile import compile_text
from pdec.language.parse import KEYWORDS

ROOT = Path(__file__).parent.parent
GRAMMAR = lark.Lark((ROOT / "grammar" / "pde.lark").read_text(), parser="lalr")
TERMINALS = {t.name: t.pattern for t in GRAMMAR.terminals}


def expansions(rule: str) -> list[list[lark.grammar.Symbol]]:
    """The alternatives of one rule of the grammar, as Lark compiled them."""
    return [list(r.expansion) for r in GRAMMAR.rules if r.origin.name == rule]


def first_word(rule: str) -> str:
    """The string literal that every alternative of a statement rule starts with."""
    words = set()
    for expansion in expansions(rule):
        first = expansion[0]
        assert first.is_term, f"statement rule {rule} starts with the rule {first.name}, not a keyword"
        pattern = TERMINALS[first.name]
        assert pattern.type == "str", f"statement rule {rule} starts with {first.name}, not a string literal"
        words.add(pattern.value)
    assert len(words) == 1, f"statement rule {rule} starts with several words: {sorted(words)}"
    return words.pop()


def grammar_keywords() -> tuple[str, ...]:
    """The first word of each alternative of `statement`, in order, each once."""
    rules = []
    for expansion in expansions("statement"):
        assert len(expansion) == 1 and not expansion[0].is_term, "a statement alternative is one rule"
        rules.append(expansion[0].name)
    return tuple(dict.fromkeys(first_word(rule) for rule in rules))


def test_the_grammar_starts_statements_with_exactly_the_keywords():
    assert grammar_keywords() == KEYWORDS


def test_no_keyword_is_a_name():
    name = TERMINALS["NAME"]
    for word in KEYWORDS:
        assert re.fullmatch(name.to_regexp(), word) is None, f"'{word}' would parse as a name"
        assert re.fullmatch(name.to_regexp(), word + "_1"), f"'{word}_1' should stay a name"


def test_the_statement_hint_lists_every_keyword():
    with pytest.raises(PdecError) as info:
        compile_text("domian x in [0, 1]\n")
    assert info.value.hint == "each statement starts with one of: " + ", ".join(KEYWORDS)


def test_the_language_reference_lists_every_keyword():
    text = (ROOT / "docs" / "language.md").read_text()
    block = re.search(r"## Reserved words.*?```text\n(.*?)```", text, re.S)
    assert block, "docs/language.md has no reserved words block"
    assert tuple(block.group(1).split()[:len(KEYWORDS)]) == KEYWORDS
