"""Grid patrols: daily tasks per grid worker, checklists per place, item results linked to reports."""
