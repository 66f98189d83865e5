"""Intraday listening: mentions and comments polled through the day beside the daily partitions, a bad-buzz
detector on a rolling window, live customer-care SLA breaches, and their alerts (webhook + alerts table).

The daily marts stay the reference; nothing here writes a daily partition. See docs/listening.md. Modules:
config (ListeningConfig), poll, detect, business_time, store, service (run_tick), alerts_table (read_alerts).
"""
