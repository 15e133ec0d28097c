"""Subscribing, confirming, unsubscribing, exporting and erasing (being written)."""
