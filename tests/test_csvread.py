"""sammen.lib.csvread: the CSV reader every import shares."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sammen.lib.csvread import CsvError, CsvReader, Row, read_csv, sniff_delimiter


def _write(tmp_path: Path, data: bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffnavn,klasse\r\nÆrlig Øystein,8A\r\n".encode())

    header, rows = read_csv(path)

    assert header == ("navn", "klasse")
    assert rows == [Row(2, {"navn": "Ærlig Øystein", "klasse": "8A"})]


def test_it_reads_utf8_without_a_byte_order_mark(tmp_path: Path) -> None:
    header, rows = read_csv(_write(tmp_path, "a,b\nå,ø\n".encode()))

    assert (header, rows[0].values) == (("a", "b"), {"a": "å", "b": "ø"})


def test_it_takes_the_delimiter_the_header_uses(tmp_path: Path) -> None:
    with CsvReader(
        _write(tmp_path, b'dato;"elev, navn";kode\n2026-08-17;"Nordmann, Ola";F\n')
    ) as r:
        assert r.delimiter == ";"
        assert [row.values for row in r] == [
            {"dato": "2026-08-17", "elev, navn": "Nordmann, Ola", "kode": "F"}
        ]


def test_a_comma_inside_quotes_does_not_count_as_a_delimiter() -> None:
    assert sniff_delimiter('"a,b,c";d;e') == ";"
    assert sniff_delimiter("a,b;c,d") == ","
    assert sniff_delimiter("only") == ","


def test_rows_carry_the_line_they_start_on(tmp_path: Path) -> None:
    data = b'id,note\n1,"two\nlines"\n\n3,after a blank line\n'

    _, rows = read_csv(_write(tmp_path, data))

    assert [(row.line, row.values["id"]) for row in rows] == [(2, "1"), (5, "3")]
    assert rows[0].values["note"] == "two\nlines"


def test_trailing_empty_header_columns_are_dropped(tmp_path: Path) -> None:
    header, rows = read_csv(_write(tmp_path, b"a,b,,\r\n1,2\r\n3,4,,\r\n"))

    assert header == ("a", "b")
    assert [row.values for row in rows] == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]
    assert [row.extra for row in rows] == [(), ()]


def test_values_beyond_the_header_are_kept_apart(tmp_path: Path) -> None:
    _, rows = read_csv(_write(tmp_path, b"a,b\n1,2,3\n"))

    assert rows == [Row(2, {"a": "1", "b": "2"}, ("3",))]


def test_a_short_row_gets_empty_values(tmp_path: Path) -> None:
    _, rows = read_csv(_write(tmp_path, b"a,b,c\n1\n"))

    assert rows[0].values == {"a": "1", "b": "", "c": ""}


def test_values_are_stripped_unless_asked_not_to(tmp_path: Path) -> None:
    path = _write(tmp_path, b"a , b\n 1 , 2 \n")

    assert read_csv(path)[1][0].values == {"a": "1", "b": "2"}
    assert read_csv(path, strip=False)[1][0].values == {"a": " 1 ", "b": " 2 "}


def test_rows_of_empty_values_are_left_out(tmp_path: Path) -> None:
    _, rows = read_csv(_write(tmp_path, b"a;b\n1;2\n;\n;;\n"))

    assert len(rows) == 1


def test_the_last_row_needs_no_line_break(tmp_path: Path) -> None:
    _, rows = read_csv(_write(tmp_path, b"a,b\n1,2"))

    assert rows == [Row(2, {"a": "1", "b": "2"})]


def test_latin1_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "navn\nOla\nBjørn\n".encode("latin-1"), "users.csv")

    with pytest.raises(CsvError) as caught:
        read_csv(path)

    assert (caught.value.file, caught.value.line) == ("users.csv", 3)
    assert str(caught.value) == (
        "users.csv line 3: is not UTF-8 (byte 0xf8 at column 3); save it as UTF-8 "
        "(Latin-1 and Windows-1252 are not accepted)"
    )


def test_utf16_is_refused_with_or_without_a_byte_order_mark(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="is UTF-16"):
        read_csv(_write(tmp_path, "a,b\n1,2\n".encode("utf-16")))
    with pytest.raises(CsvError, match="NUL bytes"):
        read_csv(_write(tmp_path, "a,b\n1,2\n".encode("utf-16-le")))


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="is empty: there is no header line"):
        read_csv(_write(tmp_path, b"\xef\xbb\xbf\n\n"))


def test_a_header_with_a_nameless_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="column 2 has no name"):
        read_csv(_write(tmp_path, b"a,,c\n1,2,3\n"))


def test_a_header_with_a_column_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match='column "a" appears twice'):
        read_csv(_write(tmp_path, b"a,b,a\n"))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="cannot be opened"):
        read_csv(tmp_path / "absent.csv")


def test_old_mac_line_endings_are_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="old Mac line endings"):
        read_csv(_write(tmp_path, b"a,b\r1,2\r3,4\r"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_either_read_as_rows_or_raise_a_csv_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.csv"
        path.write_bytes(data)
        try:
            header, rows = read_csv(path)
        except CsvError as exc:
            assert exc.file == "fuzz.csv"
            return
    assert header and all(name for name in header)
    assert all(row.line >= 2 and set(row.values) == set(header) for row in rows)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8),
            min_size=2,
            max_size=2,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_text_written_by_the_csv_module_reads_back(rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["a", "b"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "round.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        try:
            _, read = read_csv(path, strip=False)
        except CsvError as exc:
            # Only NUL is refused in text: it is the sign of a UTF-16 file.
            assert "NUL" in exc.message
            assert any("\x00" in value for row in rows for value in row)
            return
    expected = [r for r in rows if any(r)]
    assert [[row.values["a"], row.values["b"]] for row in read] == expected
