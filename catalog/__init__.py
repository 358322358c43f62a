"""Dataset contracts (`catalog/datasets/*.yaml`) and the catalog built from them: classification,
categories and live facts. It reads data only through published manifests."""
