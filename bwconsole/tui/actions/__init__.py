"""The console's flows: what happens between a key and the requests it makes.

Each flow asks the user (`Console.confirm`, `choose`, `fill`), makes requests
through `Console.call_api`, and notes what it did through what its pane hands it.
Nothing here imports Textual or a pane: the panes depend on their flows, and a
flow runs as well against a fake console in a test as in the app.
"""
