"""The case lifecycle on the server: actions, queues, deadlines, notifications, metrics and audit."""
