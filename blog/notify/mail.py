"""Sending mail: the standard library's smtplib and email behind one function, `send`.

No mail library is needed for one plain message with an HTML alternative, and smtplib is as
maintained as Python itself. Settings are Flask-Mail's names (MAIL_SERVER, MAIL_PORT,
MAIL_USE_TLS, MAIL_USE_SSL, MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER).
"""

import smtplib
import ssl
from email.message import EmailMessage

from flask import Flask

# The usual port for each way of connecting, when MAIL_PORT is not set.
PORTS = {"ssl": 465, "tls": 587, "plain": 25}


def mail_enabled(app: Flask) -> bool:
    """Mail is on once the site knows a server and whom to tell."""
    return bool(app.config["MAIL_SERVER"] and app.config["COMMENT_NOTIFY_TO"])


def send(app: Flask, to: str, subject: str, text: str, html: str) -> None:
    """Send one message with a plain-text part and an HTML alternative; raises on any failure
    (smtplib.SMTPException or OSError, a timeout included), for the caller to try again."""
    config = app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"] or to
    message["To"] = to
    # Header values cannot hold line ends (a title never has them; this keeps it so).
    message["Subject"] = " ".join(subject.split())
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    mode = "ssl" if config["MAIL_USE_SSL"] else "tls" if config["MAIL_USE_TLS"] else "plain"
    port = int(config["MAIL_PORT"] or PORTS[mode])
    timeout = config["MAIL_TIMEOUT"]
    context = ssl.create_default_context()
    if mode == "ssl":
        connection = smtplib.SMTP_SSL(config["MAIL_SERVER"], port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(config["MAIL_SERVER"], port, timeout=timeout)
    with connection:
        if mode == "tls":
            connection.starttls(context=context)
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        connection.send_message(message)
