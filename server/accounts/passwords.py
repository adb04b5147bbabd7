"""The password policy for every account: length, variety, not a common password, not the account's own name."""
import re

MIN_LENGTH = 8
MAX_LENGTH = 256

# The most used passwords in Chinese and international leak lists (lower-cased); enough to stop the obvious ones.
COMMON = frozenset("""
123456 12345678 123456789 1234567890 111111 000000 666666 888888 123123 654321 112233 121212 147258369
5201314 1314520 woaini woaini1314 woaini520 iloveyou password password1 password123 passw0rd p@ssw0rd
qwerty qwerty123 qwertyuiop qwe123 qweasd qweasdzxc 1qaz2wsx 1q2w3e4r 1q2w3e4r5t zxcvbnm asdfghjkl
a123456 a12345678 abc123 abc12345 abc123456 aa123456 admin admin123 admin@123 root123 test1234
letmein welcome welcome1 monkey dragon sunshine princess football baseball superman trustno1 master
iloveyou1 1qazxsw2 zaq12wsx gridwatch gridwatch1 gridwatch123 changeme changeme1 default 88888888
11111111 00000000 12341234 aaaaaaaa abcd1234 abcdefg1 asdf1234 zxcv1234 qwer1234 1234qwer
""".split())

_KINDS = (r"[A-Za-z]", r"\d", r"[^A-Za-z\d]")


def password_problem(password: str, *, username: str | None = None, phone: str | None = None) -> str | None:
    """Why a password is not acceptable (a sentence for the user), or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Password must have at most {MAX_LENGTH} characters."
    if password.isdigit():
        return "Password must not be only digits."
    if sum(bool(re.search(p, password)) for p in _KINDS) < 2:
        return "Password must mix at least two of letters, digits and symbols."
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) <= 2:
        return "This password is too common; choose another."
    for own in (username, phone):
        own = (own or "").strip().lower()
        # The name itself, or a password built around it (names of 6+ characters, e.g. a phone number).
        if own and (lowered == own or (len(own) >= 6 and own in lowered)):
            return "Password must not be or contain your username or phone number."
    return None
