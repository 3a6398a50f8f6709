"""Clocks, baselines, forecasts and their backtest: pure computation over recorded history."""
