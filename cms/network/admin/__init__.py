"""Admin -> Network: the table of every site's figures (views.py), each measure's chart and each
site's charts (charts.py), their CSV files (csv_files.py); viewsets.py registers the URLs and
the menu item, permissions.py (one level up) says who sees what."""
