"""Bounces and complaints keep the lists clean. Each delivery is sent with a VERP return path
(newsletter.verp), so what comes back names it:

- parse.py reads a DSN (RFC 3464) or a feedback-loop complaint (ARF, RFC 5965) from the bounce
  mailbox (the `process_bounces` command feeds it, from an MTA pipe or a maildir);
- webhooks.py takes an email service's bounces, complaints and unsubscribes through
  django-anymail's verified tracking webhooks (/anymail/<esp>/tracking/, urls.py);
- apply.py records each as a DeliveryEvent and acts on that delivery's list: suppress, or
  unsubscribe, or count a soft bounce;
- figures.py counts them for the admin: per send, and the list's bounce and complaint rates.
"""
