"""Real processes and load for the benchmarks (bench/) and the tests that need them (tests/).

- ``processes``: free ports, waiting, starting and stopping a server process, a redis-server
  of one's own;
- ``mail``: SMTP servers on loopback (a discarding sink in a process, a scripted recorder in a
  thread);
- ``appserver``: gunicorn (or any HTTP server of the project) started and ready;
- ``worker``: a ``celery -A cms worker`` subprocess in its own process group;
- ``memory``: the resident memory of a process tree, sampled;
- ``project``: ``manage.py`` commands, scripts with the project's settings, a PostgreSQL
  database made if missing;
- ``load``: the load generator (client threads, alternating slices, timings) against a
  baseline;
- ``report``: the header, the ratio table and the JSON file;
- ``cli``: the benchmarks' shared options and how a benchmark ends (exit status, Ctrl-C);
- ``web``: the page benchmark's whole run (database, demo, gunicorn, each page vs /healthz).

Nothing here imports pytest: the tests turn a ``HarnessError`` into a failure themselves.
"""
