"""Outgoing e-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/."""
