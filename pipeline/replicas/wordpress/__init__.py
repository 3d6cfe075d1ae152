"""A WordPress site reproduced in Python: content model, theme, REST API, feeds and routing.

Replicas of WordPress platforms subclass `pipeline.replicas.wordpress.site.WordPressSite`.
"""
