"""Request and limited grant (申请—有限授予): who may read what, for which purpose, until when.

This package owns the access control plane (organizations, users, app tokens, requests, grants,
transitions, audit), the compiled grant artifacts under SHUCANG_HOME/grants/, the SQL gateway and
the web portal. It reads published snapshots and contracts; it never writes the warehouse or the
exports of other datasets (only its own audit dataset under exports/access_audit/).
"""
