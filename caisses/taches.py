"""E-mails sent through Django's tasks API (django-tasks; backend per TASKS_BACKEND, docs/TACHES.md).

Here, in the bottom layer, so that the password and invitation e-mails (caisses.auth) and the reports' transition
e-mails (rapports.notifications) go the same way: a request never waits for the mail server, and a password
reset answers as fast for a known address as for an unknown one.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django_tasks import TaskResultStatus, task


@task()
def envoyer_courriels(sujet, corps, destinataires):
    """One message per address, so that recipients of different regions do not see each other's addresses."""
    messages = tuple((sujet, corps, settings.DEFAULT_FROM_EMAIL, [email]) for email in destinataires)
    return send_mass_mail(messages)


def en_echec(result):
    """Did the sending fail already (the immediate backend sends at once; a queue reports later)?"""
    return result.status == TaskResultStatus.FAILED
