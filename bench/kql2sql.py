#!/usr/bin/env python3
"""Translates the generated RMM rules' KQL into DuckDB SQL with the same results.

The built-in pack's queries have one fixed shape (crates/quarry-hunt/src/generate/mod.rs):

    let Time_start = now(-5d);
    let Time_end = now();
    <Table>
    | where Timestamp between (Time_start..Time_end)
    | where <predicate>
    | summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),
        Report=make_set(ReportId), Count=count() by DeviceId, DeviceName[, RemoteUrl]

This module parses exactly that shape (tokens, not text matching) and raises `Unsupported` on
anything else, rather than guessing. Operator semantics, from the KQL reference:

- `has` (https://learn.microsoft.com/kusto/query/has-operator and "What is a term?" on
  https://learn.microsoft.com/kusto/query/datatypes-string-operators): case-insensitive match of
  whole terms, a term being a maximal run of ASCII alphanumerics. Mirroring kql-engine
  (crates/kql-engine/src/functions/scalar/string/terms.rs): the needle matches where it occurs
  such that, if its first character is alphanumeric, the character before is not (or it is the
  start), and if its last character is alphanumeric, the character after is not (or it is the
  end). SQL: an RE2 search, each needle character as a class of the characters that fold to it,
  and those boundaries, behind an ILIKE '%needle%' pre-filter (DuckDB's fast path).
- `has_any` (https://learn.microsoft.com/kusto/query/has-anyoperator): any of the needles, one
  alternation in one regular expression.
- `in~` (https://learn.microsoft.com/kusto/query/in-cs-operator): case-insensitive equality with
  any list item: `lower(col) IN (...)`, for ASCII values (see `_in_ci`).
- `matches regex` (https://learn.microsoft.com/kusto/query/matches-regex-operator): an RE2
  search; DuckDB's `regexp_matches` is an RE2 search too, with the same defaults (`.` does not
  match a newline, `^`/`$` anchor the whole text).
- `endswith` (https://learn.microsoft.com/kusto/query/endswith-operator): case-insensitive suffix,
  as an anchored RE2 search with the same character classes as `has`.
- `=~` / `==`: case-insensitive / case-sensitive equality.
- `between (a..b)`: inclusive at both ends.

Nulls: Quarry treats a null string as not matching any non-empty needle; SQL gives NULL, which
WHERE drops. The predicates have no negation, so the two agree (a negation raises Unsupported).
"""

import re
from datetime import datetime, timedelta, timezone


class Unsupported(Exception):
    """A KQL construct this translator does not handle."""


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*)
  | (?P<vstr>@'(?:[^']|'')*'|@"(?:[^"]|"")*")
  | (?P<str>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<op>!in~|in~|=~|==|!=|\.\.|!has|!contains)
  | (?P<punct>[()|,;=\-])
  | (?P<num>[0-9]+(?:\.[0-9]+)?[a-z]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)

_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def _decode_string(text):
    if text.startswith("@"):
        quote = text[1]
        return text[2:-1].replace(quote * 2, quote)
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise Unsupported(f"string escape \\{nxt} in {text}")
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tokenize(query):
    tokens, pos = [], 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m:
            raise Unsupported(f"unexpected character {query[pos]!r} at offset {pos}: {query[pos:pos + 40]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind in ("str", "vstr"):
            tokens.append(("str", _decode_string(m.group())))
        else:
            tokens.append((kind, m.group()))
    return tokens


_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1), "s": timedelta(seconds=1),
          "ms": timedelta(milliseconds=1)}


def sql_string(value):
    return "'" + value.replace("'", "''") + "'"


def _fold_char(c):
    """kql-engine's case folding of one character (common.rs `fold_char`): ASCII lowercased;
    other characters lowercased only when that gives one non-ASCII character."""
    if c.isascii():
        return c.lower()
    lower = c.lower()
    return lower if len(lower) == 1 and not lower.isascii() else c


_FOLD_CLASSES = {}


def _char_class(c):
    """An RE2 class of every character that folds like `c`, so the SQL needs no `lower()` nor
    RE2's `(?i)` (whose Unicode folding differs from kql-engine's: e.g. U+212A KELVIN SIGN)."""
    f = _fold_char(c)
    if f not in _FOLD_CLASSES:
        if f.isascii():
            members = {f, f.upper()} if f.isalpha() else {f}
        else:
            members = {chr(cp) for cp in range(0x80, 0x20000) if _fold_char(chr(cp)) == f} | {f}
        _FOLD_CLASSES[f] = sorted(members)
    members = _FOLD_CLASSES[f]
    # RE2 takes a backslash before any ASCII punctuation as the literal character.
    esc = ["\\" + m if m.isascii() and not m.isalnum() and m != " " else m for m in members]
    return esc[0] if len(esc) == 1 else "[" + "".join(esc) + "]"


def _term_regex(needle):
    """The RE2 fragment matching `needle` where KQL `has` matches it."""
    if needle == "":
        raise Unsupported("has with an empty needle (matches everything, nulls included)")
    body = "".join(_char_class(c) for c in needle)
    # Terms are runs of ASCII alphanumerics; folding never turns another character into one.
    left = "(?:^|[^a-zA-Z0-9])" if needle[0].isascii() and needle[0].isalnum() else ""
    right = "(?:$|[^a-zA-Z0-9])" if needle[-1].isascii() and needle[-1].isalnum() else ""
    return left + body + right


def has_sql(column, needles):
    alternatives = "|".join(_term_regex(n) for n in needles)
    exact = f"regexp_matches({column}, {sql_string('(?:' + alternatives + ')')})"
    # DuckDB's ILIKE '%x%' is a fast substring scan; as a pre-filter it makes the pack ~2-3x
    # faster for DuckDB and cannot drop a match: every `has` match contains the needle up to
    # case. Only for ASCII needles without LIKE wildcards.
    if all(n.isascii() and not any(c in n for c in "%_\\") for n in needles):
        pre = " OR ".join(f"{column} ILIKE {sql_string('%' + n + '%')}" for n in needles)
        return f"(({pre}) AND {exact})"
    return exact


def _in_ci(column, values):
    """`in~` / `=~`: lower() and IN, as a user would write it, restricted to ASCII values. DuckDB's
    lower() maps some non-ASCII characters to ASCII (U+0130 to `i`, U+212A KELVIN SIGN to `k`)
    where kql-engine's folding never does, so a value must also be ASCII (bytes = characters)
    to match an ASCII list item."""
    for v in values:
        if not v.isascii():
            raise Unsupported(f"in~ / =~ with a non-ASCII value {v!r}")
    items = ", ".join(sql_string(v.lower()) for v in values)
    return f"(lower({column}) IN ({items}) AND strlen({column}) = length({column}))"


class _Parser:
    def __init__(self, tokens, now):
        self.t, self.i, self.now, self.lets = tokens, 0, now, {}

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else ("eof", "")

    def take(self, kind=None, value=None):
        tok = self.peek()
        if (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise Unsupported(f"expected {value or kind}, found {tok[1] or tok[0]!r} (token {self.i})")
        self.i += 1
        return tok

    def at(self, value):
        return self.peek()[1] == value and self.peek()[0] != "str"

    def time_expr(self):
        """now(), now(-5d), ago(5d) or a let name bound to one; returns a datetime."""
        tok = self.take("ident")
        if tok[1] in self.lets:
            return self.lets[tok[1]]
        if tok[1] not in ("now", "ago"):
            raise Unsupported(f"time expression {tok[1]}")
        self.take("punct", "(")
        offset = timedelta(0)
        if not self.at(")"):
            sign = -1 if tok[1] == "ago" else 1
            if self.at("-"):
                self.take()
                sign = -sign
            num = self.take("num")[1]
            m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(ms|d|h|m|s)", num)
            if not m:
                raise Unsupported(f"timespan {num}")
            offset = sign * float(m.group(1)) * _UNITS[m.group(2)]
        self.take("punct", ")")
        return self.now + offset

    def values(self):
        self.take("punct", "(")
        out = [self.take("str")[1]]
        while self.at(","):
            self.take()
            out.append(self.take("str")[1])
        self.take("punct", ")")
        return out

    def column(self):
        name = self.take("ident")[1]
        return f'"{name}"'

    def atom(self):
        if self.at("("):
            self.take()
            inner = self.expr()
            self.take("punct", ")")
            return f"({inner})"
        if self.peek()[1] in ("not", "!has", "!in~", "!contains", "!="):
            raise Unsupported(f"negation ({self.peek()[1]})")
        col_name = self.peek()[1]
        col = self.column()
        op = self.take()[1]
        if op == "has":
            return has_sql(col, [self.take("str")[1]])
        if op == "has_any":
            return has_sql(col, self.values())
        if op == "in~":
            return _in_ci(col, self.values())
        if op == "matches":
            self.take("ident", "regex")
            return f"regexp_matches({col}, {sql_string(self.take('str')[1])})"
        if op == "endswith":
            suffix = self.take("str")[1]
            if suffix == "":
                raise Unsupported("endswith ''")
            return f"regexp_matches({col}, {sql_string(''.join(_char_class(c) for c in suffix) + '$')})"
        if op == "=~":
            return _in_ci(col, [self.take("str")[1]])
        if op == "==":
            return f"{col} = {sql_string(self.take('str')[1])}"
        if op == "between":
            self.take("punct", "(")
            lo = self.time_expr()
            self.take("op", "..")
            hi = self.time_expr()
            self.take("punct", ")")
            if col_name != "Timestamp":
                raise Unsupported(f"between on {col_name}")
            return f"{col} BETWEEN {sql_time(lo)} AND {sql_time(hi)}"
        raise Unsupported(f"operator {op}")

    def and_expr(self):
        parts = [self.atom()]
        while self.at("and"):
            self.take()
            parts.append(self.atom())
        return " AND ".join(parts)

    def expr(self):
        parts = [self.and_expr()]
        while self.at("or"):
            self.take()
            parts.append(self.and_expr())
        return " OR ".join(parts)

    def summarize(self):
        aggs = []
        while True:
            name = self.take("ident")[1]
            self.take("punct", "=")
            fn = self.take("ident")[1]
            self.take("punct", "(")
            arg = None if self.at(")") else self.column()
            self.take("punct", ")")
            if fn == "min" and arg:
                aggs.append(f'min({arg}) AS "{name}"')
            elif fn == "max" and arg:
                aggs.append(f'max({arg}) AS "{name}"')
            elif fn == "make_set" and arg:
                # make_set skips nulls (https://learn.microsoft.com/kusto/query/make-set-aggregation-function).
                aggs.append(f'list(DISTINCT {arg}) FILTER (WHERE {arg} IS NOT NULL) AS "{name}"')
            elif fn == "count" and arg is None:
                aggs.append(f'count(*) AS "{name}"')
            else:
                raise Unsupported(f"aggregate {fn}({arg or ''})")
            if self.at(","):
                self.take()
                continue
            break
        self.take("ident", "by")
        keys = [self.column()]
        while self.at(","):
            self.take()
            keys.append(self.column())
        return keys, aggs

    def query(self):
        while self.at("let"):
            self.take()
            name = self.take("ident")[1]
            self.take("punct", "=")
            self.lets[name] = self.time_expr()
            self.take("punct", ";")
        table = self.take("ident")[1]
        where, group = [], None
        while self.at("|"):
            self.take()
            op = self.take("ident")[1]
            if op == "where" and group is None:
                where.append(self.expr())
            elif op == "summarize" and group is None:
                group = self.summarize()
            else:
                raise Unsupported(f"operator | {op}")
        if self.peek()[0] != "eof":
            raise Unsupported(f"trailing input at {self.peek()[1]!r}")
        if group is None:
            raise Unsupported("no summarize")
        keys, aggs = group
        where_sql = "\n  AND ".join(f"({w})" for w in where) or "TRUE"
        return (f"SELECT {', '.join(keys)},\n  {', '.join(aggs)}\nFROM \"{table}\"\nWHERE {where_sql}\n"
                f"GROUP BY {', '.join(keys)}"), table


def sql_time(t):
    return f"TIMESTAMP_NS '{t.strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def parse_now(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def translate(kql, now):
    """(SQL, table) for one rule query; `now` is a timezone-aware datetime (Quarry's --now)."""
    return _Parser(tokenize(kql), now).query()


if __name__ == "__main__":
    import sys

    text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
    print(translate(text, parse_now(sys.argv[2] if len(sys.argv) > 2 else "2024-06-01T00:00:00Z"))[0])
