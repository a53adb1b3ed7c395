"""Every write of the assessment workflow, one module per part of it.

Each function is atomic, takes keyword arguments only and raises ValidationError
with a message a person can act on; each writes an audit record in the same
transaction and sends its email after commit. Who may call them is decided by the
views through the gate; the services check the rules of the workflow itself.
"""

from .action_points import action_point_done, action_point_reminders, action_point_set
from .completion import enrolment_complete
from .decisions import feedback_post, mapping_accept, mapping_accept_all, mapping_add, mapping_refer, mapping_remove
from .questions import question_ask, question_reply
from .sampling import countersign, iqa_refer, unit_sample
from .sign_off import already_signed_message, item_sign_off, learner_declare, unit_round, unit_sign_off
from .transfer import MovePlan, enrolment_move, move_plan, move_targets
from .visits import visit_cancel, visit_change, visit_plan, visit_record

__all__ = [
    "action_point_done", "action_point_reminders", "action_point_set", "already_signed_message", "countersign",
    "enrolment_complete", "enrolment_move", "feedback_post", "iqa_refer", "item_sign_off", "learner_declare",
    "mapping_accept", "mapping_accept_all", "mapping_add", "mapping_refer", "mapping_remove", "move_plan",
    "move_targets", "MovePlan", "question_ask", "question_reply", "unit_round", "unit_sample", "unit_sign_off",
    "visit_cancel", "visit_change", "visit_plan", "visit_record",
]
