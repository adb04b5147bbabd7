"""Early warning (预警): the streaming detector of nlp.alerts run over processed reports, alerts for supervisors."""
