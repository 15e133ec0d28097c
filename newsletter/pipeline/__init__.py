"""The sending pipeline: the services behind newsletter/tasks.py and the send_newsletter
command, one module per step (queueing, batch with its SMTP side in smtp, sweep, counts).

How a send goes (each step is safe to run twice, and a crash at any point loses nothing):

1. ``queue_send`` makes the issue's one Send (or moves a scheduled one on), by a conditional
   update: two "send now" make one Send.
2. ``begin_send`` moves it queued → sending and, in the same transaction, renders the issue once
   per language (Rendering rows) and records one Delivery per confirmed, non-suppressed
   subscription, in chunks, ``ON CONFLICT DO NOTHING``: the deliveries appear all at once with
   the status, or not at all, and running it again adds nothing.
3. ``send_next_batch`` claims up to NEWSLETTER_BATCH_SIZE due rows (``FOR UPDATE SKIP LOCKED``
   on PostgreSQL, so workers never wait on each other), makes each row's email from the send's
   template (``compose``, ``mime``: built once per language, filled per recipient), hands it to
   the process's SMTP connections (``lanes``, ``smtp``: several at once, kept open between
   batches) and marks the rows the server accepted sent, one UPDATE per chunk, which holds
   only for rows still claimed with this batch's token. While it sends it keeps a heartbeat on
   its rows (so the sweep never takes back a live batch) and re-reads who unsubscribed.
4. ``sweep`` (beat) puts back claims whose heartbeat stopped (a dead worker), starts scheduled
   sends that are due, restarts sends whose batch tasks were lost, and closes finished sends.

Rendering an issue is newsletter.rendering's; each delivery's email, pipeline.compose's.
"""
