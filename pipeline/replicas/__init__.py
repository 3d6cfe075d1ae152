"""Replica sites of the platforms citywatch monitors, served on 127.0.0.1 for tests and demos.

`pipeline.replicas.server` holds the generic server (`ReplicaServer`, `Site`, `SITES`);
`pipeline.replicas.mercociudades` the WordPress replica of mercociudades.org.
"""
