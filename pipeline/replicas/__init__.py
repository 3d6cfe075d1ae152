"""Replica sites of the platforms citywatch monitors, served on 127.0.0.1 for tests and demos.

`pipeline.replicas.server` holds the generic server (`ReplicaServer`, `Site`, `SITES`);
`pipeline.replicas.states` the states every replica has (baseline, one round of edits, churn);
`pipeline.replicas.shared_practices` the practices published on two platforms;
`pipeline.replicas.mercociudades` the WordPress replica of mercociudades.org. README.md tells
what each replica serves.
"""
