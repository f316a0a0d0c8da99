"""Flask commands, one group per domain."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from webinars.accounts.cli import users_cli
    from webinars.attendance.cli import attendance_cli
    from webinars.authorities.cli import directory_cli
    from webinars.demo.cli import demo_cli
    from webinars.evaluations.cli import evaluations_cli
    from webinars.invitations.cli import reminders_cli
    from webinars.mail.cli import outbox_cli
    from webinars.materials.cli import materials_cli
    from webinars.participation.cli import participation_cli
    from webinars.privacy.cli import privacy_cli
    from webinars.registration.cli import approvals_cli, quotas_cli, registrations_cli
    from webinars.reports.cli import participants_command, report_command
    from webinars.submissions.cli import submissions_cli
    from webinars.worker import work_command

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    outbox_cli.add_command(work_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(quotas_cli)
    app.cli.add_command(approvals_cli)
    app.cli.add_command(registrations_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(attendance_cli)
    app.cli.add_command(participants_command)
    app.cli.add_command(report_command)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(participation_cli)
    app.cli.add_command(directory_cli)
    app.cli.add_command(submissions_cli)
    app.cli.add_command(evaluations_cli)
    app.cli.add_command(materials_cli)
