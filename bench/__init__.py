"""Benchmarks: our server side by side with the bare libraries and the Node reference."""
