"""Imports every feature's models so that SQLAlchemy's metadata (and Alembic) see them all."""
from hub.accountability.models import AccountabilityEntry, AccountabilityEvent  # noqa: F401
from hub.auth.models import ApiToken, UserSession  # noqa: F401
from hub.announcements.models import (  # noqa: F401
    Announcement,
    AnnouncementAudience,
    AnnouncementConfirmation,
    AnnouncementDigest,
    AnnouncementNudge,
    AnnouncementRead,
    AnnouncementVersion,
)
from hub.common.holding import HeldFiling  # noqa: F401
from hub.feedback.models import FeedbackObligation, FeedbackReport  # noqa: F401
from hub.common.models import (  # noqa: F401
    Attachment,
    CalendarDay,
    RegistrationCounter,
    Setting,
)
from hub.mailbox.models import Letter, LetterEvent  # noqa: F401
from hub.meetings.models import (  # noqa: F401
    ActionItem,
    Meeting,
    MeetingParticipant,
    TalkLog,
    TalkParticipant,
)
from hub.suggestions.models import (  # noqa: F401
    KindRoute,
    Rectification,
    Report,
    ReportAudit,
    ReportEvent,
    ReportExclusion,
    ReportNamedPerson,
    UrgencyTimer,
)
from hub.meetings.obligation_models import (  # noqa: F401
    Appeal,
    AppraisalDate,
    CrossTeamPair,
    MonthlySummary,
    MonthlySummaryRow,
    ObligationEscalation,
    OccasionTalk,
)
from hub.meetings.summaries_models import (  # noqa: F401
    DepartmentSummary,
    DepartmentSummaryEvent,
    SpotCheck,
    SpotCheckItem,
)
from hub.notifications.models import Notification, OutboxMail  # noqa: F401
from hub.search.models import SearchOutbox  # noqa: F401
from hub.org.models import (  # noqa: F401
    Department,
    HandlingUnit,
    ReportingLine,
    UnitMembership,
    User,
    UserRole,
)
from hub.surveys.models import (  # noqa: F401
    Survey,
    SurveyAudience,
    SurveyParticipant,
    SurveyQuestion,
    SurveyResponse,
)
