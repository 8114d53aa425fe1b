"""What each `servir-pm` command does, one module a job; `pipelines/cli.py` declares the commands
(arguments, options, help) and calls these through `guard.guard`."""
