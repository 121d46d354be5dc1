"""待遇资格认证: schedules, reminders, overdue warnings and suspension proposals for recipients."""
