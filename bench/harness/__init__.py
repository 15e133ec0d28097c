"""Real processes and load for the benchmarks (bench/) and the tests that need them (tests/).

- ``processes``: free ports, waiting, starting and stopping a server process, a redis-server
  of one's own;
- ``mail``: SMTP servers on loopback (a discarding sink in a process, a scripted recorder in a
  thread);
- ``appserver``: gunicorn (or any HTTP server of the project) started and ready;
- ``worker``: a ``celery -A cms worker`` subprocess in its own process group;

Nothing here imports pytest: the tests turn a ``HarnessError`` into a failure themselves.
"""
