"""Background work of the registry (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: str) -> str:
    from haven.registry.services_io import import_job_run

    return str(import_job_run(job_id=job_id).status)
