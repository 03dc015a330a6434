"""Pure sync rules, one function per rule of RULES.md; no database, no HTTP."""


def normalize_email(email):
    """R11: attendees match contacts by exact e-mail, compared case-insensitively."""
    return (email or '').strip().lower()


def email_domain(email):
    return normalize_email(email).rpartition('@')[2]


def is_internal(email, domains, user_emails):
    """R12: a member of the user's own organisation (its domains or a user of the account)."""
    email = normalize_email(email)
    return email in user_emails or email_domain(email) in domains
