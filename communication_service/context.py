"""What the communication service's use cases, resources and jobs receive."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from communication_service.clients.directory import Directory
from communication_service.clients.rendering import Renderer
from communication_service.clients.smtp import DeliveryProbe, SmtpConfig, SmtpMailer
from communication_service.config import Settings
from communication_service.domain.answer_links import AnswerLinkRules, AnswerLinkSigner
from communication_service.domain.emails import RetryRules
from communication_service.domain.follow_ups import CallRules
from communication_service.domain.outreach import OutreachRules
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.context import ServiceContext


@dataclass(kw_only=True)
class CommunicationContext(ServiceContext):
    """The shared parts plus outreach, retry and call rules, the renderer, SMTP, the mailer,
    the delivery probe, the directory of the therapist and patient services, and the rules and
    signer of the answer links."""

    settings: Settings
    outreach_rules: OutreachRules
    retry_rules: RetryRules
    call_rules: CallRules
    default_window: dict[str, list[str]]
    renderer: Renderer
    smtp: SmtpConfig
    mailer: SmtpMailer
    probe: DeliveryProbe
    directory: Directory
    sending_timeout_s: float
    batch_size: int
    answer_link_rules: AnswerLinkRules
    answer_link_signer: AnswerLinkSigner

    def unit_of_work(self) -> CommunicationUnitOfWork:
        return CommunicationUnitOfWork(self.session_factory, self.outbox)

    def unit_of_work_on(self, session: Session) -> CommunicationUnitOfWork:
        return CommunicationUnitOfWork.joined(session, self.outbox)
