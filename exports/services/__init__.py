"""Portfolio exports: asking (queue), the worker's build (build) and the ZIP packaging (package)."""

from .build import ClaimLost, export_build, export_claim, prepare_assets, storage_name, worker_identity
from .gateway import gateway_pack_request
from .package import manifest, write_zip
from .queue import enqueue_export, export_request, export_retry, exports_requeue_stalled

__all__ = [
    "ClaimLost", "enqueue_export", "export_build", "export_claim", "export_request", "export_retry",
    "exports_requeue_stalled", "gateway_pack_request", "manifest", "prepare_assets", "storage_name",
    "worker_identity", "write_zip",
]
