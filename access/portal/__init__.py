"""The web portal (FastAPI + Jinja2, server-rendered, Chinese UI) for street and community staff
and reviewers. Owns only HTTP/HTML; every decision is made by access.workflow/gateway."""
