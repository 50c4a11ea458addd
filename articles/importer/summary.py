"""The structure the importer found, as lines of text for an editor to check.

``import_article --dry-run`` prints these lines; the admin's import page can
show them too. With ``rules`` each piece says where it was found and which
rule put it there ("line 2: short paragraph between the headline and the
contents"), so an editor can tell why the importer read the text as it did.
"""

from __future__ import annotations

from .parsed import CALLOUT, FAQ, Found, ParsedArticle, ParsedSection, ParsedTable


def describe(parsed: ParsedArticle, *, rules: bool = False) -> list[str]:
    """The article's pieces and warnings, one per line, indented to show what holds what."""

    def why(found: Found | None) -> str:
        return f" ({found})" if rules and found else ""

    def piece(name: str, value: str, key: str) -> str:
        return f"{name}: {value}{why(parsed.found.get(key)) if value else ''}"

    lines = [
        piece("title", parsed.title, "title"),
        piece("standfirst", parsed.standfirst or "(none)", "standfirst"),
        piece("dateline", parsed.dateline or "(none)", "dateline"),
        piece("byline", ", ".join(parsed.byline) or "(none)", "byline"),
        f"sections ({len(parsed.sections)}):",
    ]
    in_part = False
    for number, section in enumerate(parsed.sections, start=1):
        if section.part_heading:
            label = "follow-up part" if section.is_follow_up else "part"
            lines.append(f"  {label}: {section.part_heading}{why(section.part_found)}")
            in_part = True
        indent = "    " if in_part else "  "
        lines.append(
            f"{indent}{number}. {_section(section, parsed)}{why(section.found)}"
        )
        for table in section.tables:
            lines.append(f"{indent}   {_table(table)}{why(table.found)}")
            if rules and table.caption_found:
                lines.append(f"{indent}     caption ({table.caption_found})")
    lines.append(f"FAQ: {_count(len(parsed.faq_items), 'question')}")
    lines += [f"  Q: {item.question}{why(item.found)}" for item in parsed.faq_items]
    lines.append(
        piece("comment prompt", parsed.comment_prompt or "(none)", "comment_prompt")
    )
    lines.append(
        piece(
            "discussion question",
            parsed.discussion_question or "(none)",
            "discussion_question",
        )
    )
    lines.append(f"warnings: {len(parsed.warnings) or 'none'}")
    lines += [f"  {warning}" for warning in parsed.warnings]
    return lines


def _section(section: ParsedSection, parsed: ParsedArticle) -> str:
    heading = section.heading or "(no heading)"
    if section.kind == FAQ:
        return f"{heading} [FAQ: {_count(len(parsed.faq_items), 'question')}]"
    if section.kind == CALLOUT:
        return f"{heading} [box]"
    if section.body:
        return f"{heading} [text]"
    return f"{heading} [{'table only' if section.tables else 'empty'}]"


def _table(table: ParsedTable) -> str:
    caption = f"“{table.caption}”" if table.caption else "(no caption)"
    header = table.rows[0] if table.is_first_row_header and table.rows else None
    rows = len(table.rows) - (1 if header else 0)
    columns = max((len(row) for row in table.rows), default=0)
    size = f"{_count(rows, 'row')} × {_count(columns, 'column')}"
    heads = f", headed {' | '.join(header)}" if header else ", no header row"
    return f"table {caption}: {size}{heads}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
