"""Background jobs of the alerts: the daily and weekly e-mails, and forgetting sign-ups nobody
confirmed. Each periodic job runs once per tick however many workers run. Times are UTC."""

from procrastinate.contrib.django import app

from .sending import send_due_alerts
from .signup import purge_unconfirmed


@app.periodic(cron="0 6 * * *")
@app.task(queue="mail", queueing_lock="alerts.send_daily")
def send_daily_alerts(timestamp: int) -> str:
    """The daily alerts: what was published since each one's last e-mail."""
    return f"{send_due_alerts('daily')} daily alerts sent"


@app.periodic(cron="0 6 * * 1")
@app.task(queue="mail", queueing_lock="alerts.send_weekly")
def send_weekly_alerts(timestamp: int) -> str:
    """The weekly alerts, on Mondays."""
    return f"{send_due_alerts('weekly')} weekly alerts sent"


@app.periodic(cron="15 5 * * *")
@app.task(queueing_lock="alerts.purge_unconfirmed")
def forget_unconfirmed_sign_ups(timestamp: int) -> str:
    """Sign-ups whose confirmation link expired unused: their address is forgotten."""
    return f"{purge_unconfirmed()} unconfirmed sign-ups forgotten"
