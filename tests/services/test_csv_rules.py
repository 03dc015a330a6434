"""Issue 13 §2: the pure CSV rules (decoding, separators, refusals, formulas, escaping)."""
import pytest

from server.services import csv_rules


@pytest.mark.parametrize('raw', [b'Email\nann@x.example\n', b'\xef\xbb\xbfEmail\nann@x.example\n'])
def test_issue13_utf8_with_or_without_bom(raw):
    assert csv_rules.decode(raw).startswith('Email')


@pytest.mark.parametrize('raw,reason', [
    (b'', 'empty'), (b'PK\x03\x04' + b'x' * 100, 'binary'), (b'Email\x00\x01\x02', 'binary'),
    (b'Name\n\xff\xfe caf\xe9\n', 'not UTF-8')])
def test_issue13_files_that_are_not_utf8_csv_are_refused(raw, reason):
    with pytest.raises(csv_rules.FileRefused, match=reason):
        csv_rules.decode(raw)


def test_issue13_semicolon_or_comma_outside_quotes():
    assert csv_rules.sniff_delimiter('"Name, full";Email\n') == ';'
    assert csv_rules.sniff_delimiter('Name,Email;x\n') == ','


def test_issue13_quoted_fields_with_separators_quotes_and_newlines():
    text = 'Email,Note\n"ann@x.example","say ""hi"", then\nleave"\n'
    header, count = csv_rules.check_file(text, ',')
    assert header == ['Email', 'Note'] and count == 1
    _, rows = csv_rules.preview(text, ',')
    assert rows == [['ann@x.example', 'say "hi", then\nleave']]


def test_issue13_ten_thousand_columns_are_refused():
    with pytest.raises(csv_rules.FileRefused, match='10,000 columns'):
        csv_rules.check_file(','.join(f'c{i}' for i in range(10_000)) + '\n1\n', ',')


def test_issue13_a_cell_over_the_csv_limit_is_refused_with_its_line():
    with pytest.raises(csv_rules.FileRefused, match='near line'):
        csv_rules.check_file('Email\n"' + 'x' * 200_000 + '"\n', ',')


@pytest.mark.parametrize('value,formula', [
    ("=cmd|' /C calc'!A0", True), ('@SUM(A1)', True), ('+HYPERLINK("x")', True),
    ('-2+3', True), ('-42', False), ('+1 (555) 010-0199', False), ('-', True), ('Ann', False), ('', False)])
def test_issue13_formulas_are_recognised_but_phone_numbers_are_not(value, formula):
    assert csv_rules.looks_like_formula(value) is formula


@pytest.mark.parametrize('value,escaped', [
    ('=1+1', "'=1+1"), ('+1 555', "'+1 555"), ('-5', "'-5"), ('@x', "'@x"), ('\t=x', "'\t=x"),
    ('Ann', 'Ann'), (None, ''), (12, '12')])
def test_issue13_export_cells_starting_with_formula_characters_are_escaped(value, escaped):
    assert csv_rules.escape_cell(value) == escaped


def test_issue13_common_header_names_are_mapped():
    header = ['E-mail Address', 'First Name', 'Surname', 'Company Name', 'Mobile Phone', 'Other']
    mapping = csv_rules.guess_mapping(header, ('email', 'first_name', 'last_name', 'phone',
                                               'job_title', 'company'))
    assert mapping == {0: 'email', 1: 'first_name', 2: 'last_name', 3: 'company', 4: 'phone'}
