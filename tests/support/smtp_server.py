"""A mail server for the reminder tests that need TLS and sign-in: aiosmtpd (Debian's
python3-aiosmtpd) requiring STARTTLS, or speaking TLS from the first byte, with one user and
password, storing what it receives in a Maildir.

    smtp_server.py PORT MAILDIR CERT KEY MODE USER PASSWORD      (MODE: starttls or tls)
"""

import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    port, maildir, cert, key, mode, user, password = sys.argv[1:8]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=ok)

    options = dict(hostname="127.0.0.1", port=int(port), authenticator=authenticate, auth_required=True)
    if mode == "tls":
        # The whole connection is TLS: aiosmtpd, which only knows STARTTLS, must be told that
        # signing in over it is safe.
        controller = Controller(Mailbox(maildir), ssl_context=context, auth_require_tls=False, **options)
    else:
        controller = Controller(Mailbox(maildir), tls_context=context, require_starttls=True, **options)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
