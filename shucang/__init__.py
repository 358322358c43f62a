"""shucang (数仓): the CLI, settings and the pipeline steps that tie the packages together.

It owns the `shucang` command and the task functions the DAGs call; feed parsing lives in
`feeds`, contracts in `catalog`, publishing in `warehouse`, state in `control`.
"""
