"""Issue 13 §1: the pure rules of sign-up (website domain from the e-mail but for free mail,
R12), e-mails, names and passwords."""
from server.services import signup_rules as rules


def test_issue13_r12_website_domain_from_a_work_email_not_from_free_mail():
    assert rules.website_domain_for('rita@Acme.example') == 'acme.example'
    for free in ('gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com'):
        assert rules.website_domain_for(f'rita@{free}') == ''


def test_issue13_account_name_from_the_domain_or_the_person():
    assert rules.account_name_for('rita@acme.com', 'Rita Rep') == 'Acme'
    assert rules.account_name_for('rita@acme.co.uk', 'Rita Rep') == 'Acme'
    assert rules.account_name_for('rita@north-wind.io', '') == 'North Wind'
    assert rules.account_name_for('rita@gmail.com', 'Rita Rep') == "Rita's team"


def test_issue13_email_name_password_checks():
    assert rules.clean_email(' Rita@Acme.example ') == ('rita@acme.example', [])
    assert rules.clean_email('')[1] == ['This field is required.']
    assert rules.clean_email('not an e-mail')[1]
    assert rules.clean_email('a@' + 'b' * 300 + '.com')[1] == ['At most 254 characters.']
    assert rules.clean_email(['x'])[1] == ['This field is required.']
    assert rules.clean_name('  Rita ') == ('Rita', [])
    assert rules.clean_name('x' * 201)[1] and rules.clean_name('a\x00b')[1]
    assert rules.password_errors('short') == ['At least 8 characters.']
    assert rules.password_errors('x' * 201) == ['At most 200 characters.']
    assert rules.password_errors('long enough', 'other') == ['The two passwords differ.']
    assert rules.password_errors('long enough', 'long enough') == []
    assert rules.password_errors(None) == ['This field is required.']
