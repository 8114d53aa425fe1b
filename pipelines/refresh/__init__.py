"""The unattended refresh: plan, lock, build, publish all or nothing, log."""
