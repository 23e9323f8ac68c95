"""The manager pages' views, one module per page. Each reads the request (the plan and
date, the manager's scope, the object asked about: a 404 outside the scope, before any
figure), calls its page's builder (``targets.pages.builders``) and renders its one
template; the table pages download the same rows as CSV or XLSX. No page imports
another (``pyproject.toml``: the pages' independence contract)."""
