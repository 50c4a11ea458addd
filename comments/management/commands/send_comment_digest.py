"""Tell moderators, by e-mail, how many comments wait for them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from comments.tasks import send_moderation_digest


class Command(BaseCommand):
    help = (
        "E-mail every moderator (active staff who may change comments) how many "
        "comments wait for a decision, naming the longest-waiting ones. Sends "
        "nothing when none wait. With NEWSROOM_TASKS=database the mail is queued "
        "for `manage.py db_worker`. Run it from cron, e.g. hourly."
    )

    def handle(self, *args, **options) -> None:
        result = send_moderation_digest.enqueue()
        if result.status == TaskResultStatus.FAILED:
            raise CommandError("The comment digest could not be sent; see the log.")
        if result.status != TaskResultStatus.SUCCESSFUL:
            self.stdout.write(
                f"Queued the comment digest for the task worker ({result.id})."
            )
            return
        outcome = result.return_value
        waiting, sent = outcome["waiting"], outcome["sent"]
        if not waiting:
            self.stdout.write("No comments wait for moderation; no digest sent.")
            return
        comments = "comment waits" if waiting == 1 else "comments wait"
        moderators = "moderator" if sent == 1 else "moderators"
        self.stdout.write(
            f"{waiting} {comments} for moderation; digest sent to {sent} {moderators}."
        )
