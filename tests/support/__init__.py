"""Test helpers: a real server process, signed-in HTTP clients, real Yjs clients."""
