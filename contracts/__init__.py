"""Dataset contracts and the vocabularies around them: the contract model (one YAML file per
dataset under `catalog/datasets/`), the category tree, grades and the columns a dataset is
published with. It reads YAML only: no data, no control plane, no published snapshots."""
