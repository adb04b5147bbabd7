"""Emergency plans (数字应急预案): the plans, activating one on a case, departments' tasks, and their API."""
