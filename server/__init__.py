"""Wiki-Marché server: the ASGI application, its storage and its live-editing layer."""
