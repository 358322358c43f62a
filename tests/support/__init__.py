"""What tests share: builders of small feeds and worlds, and the pytest fixtures made from them
(registered in tests/conftest.py). Test modules import helpers from here, never from each other."""
