"""The network dashboard: every site's figures side by side for the national team (admin ->
Network), a panel of its own figures on each chapter editor's dashboard, and a chart of each
measure over time.

Figures over time come from daily snapshots (SiteSnapshot: one row per site, day and measure,
written by a beat task, snapshots.py), back-filled from the features' own timestamps where they
allow it; the figures of today are counted live, one query per measure for every site at once,
so a page costs the same number of queries however many sites and subscribers there are. The
measures are one table (measures.py) that other apps may extend through the
``register_network_measures`` hook. Who sees a site's figures: whoever may see its newsletter
list (permissions.py).
"""
