"""Portfolio exports: asking (queue), the worker's build (build) and the ZIP packaging (package); a centre's
reports, asked for and built (reports); a centre's dashboard figures, computed and stored (centre_figures)."""

from .build import ClaimLost, export_build, export_claim, prepare_assets, storage_name, worker_identity
from .centre_figures import (
    enqueue_figures,
    figures_compute,
    figures_refresh_stale,
    figures_request,
    is_stale,
    latest_figures,
)
from .gateway import gateway_pack_request
from .package import manifest, write_zip
from .queue import enqueue_export, export_request, export_retry, exports_requeue_stalled
from .reports import enqueue_report, report_build, report_request, reports_requeue_stalled

__all__ = [
    "ClaimLost", "enqueue_export", "export_build", "export_claim", "export_request", "export_retry",
    "exports_requeue_stalled", "gateway_pack_request", "manifest", "prepare_assets", "storage_name",
    "worker_identity", "write_zip",
    "exports_requeue_stalled", "manifest", "prepare_assets", "storage_name", "worker_identity", "write_zip",
    "enqueue_figures", "figures_compute", "figures_refresh_stale", "figures_request", "is_stale", "latest_figures",
    "enqueue_report", "report_build", "report_request", "reports_requeue_stalled",
]
