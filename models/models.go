// Package models holds Huifang's domain: its types, the rules of sanction
// periods and of the visit calendar, validation, the errors every store
// returns, and the interfaces of the per-chat conversation state and of
// locks with their in-process implementations. It knows no database, no
// Redis and no Telegram: package sqlstore keeps the records in
// MySQL/MariaDB or SQLite, package redisstate the state and locks in Redis.
package models

import "time"

// Role is a user's role.
type Role string

// Roles.
const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleInspector  Role = "inspector"
)

// Rank is a personnel category (人员类别). The category recorded with a
// sanction decides whether the member is a mandatory visit target
// (MandatoryCategory); the member's own is their current one.
type Rank string

// Personnel categories.
const (
	RankSectionCadre Rank = "section_cadre" // 科级领导干部
	RankCivilServant Rank = "civil_servant" // 国家公务员
	RankOther        Rank = "other"
)

// SanctionKind is one of the party or governmental sanctions of DOMAIN.md.
type SanctionKind string

// Sanction kinds; their periods are given by PeriodMonths, what happens
// at the end of a period by EndingOf.
const (
	PartyWarning        SanctionKind = "party_warning"         // 警告, 影响期 12 months
	PartySeriousWarning SanctionKind = "party_serious_warning" // 严重警告, 影响期 18 months
	PartyPostRemoval    SanctionKind = "party_post_removal"    // 撤销党内职务, 影响期 24 months
	PartyProbation      SanctionKind = "party_probation"       // 留党察看, 12 or 24 months (ProbationMonths), a one-year one extensible once
	PartyExpulsion      SanctionKind = "party_expulsion"       // 开除党籍, permanent (no re-admission for 5 years)
	GovWarning          SanctionKind = "gov_warning"           // 警告, 6 months
	GovDemerit          SanctionKind = "gov_demerit"           // 记过, 12 months
	GovMajorDemerit     SanctionKind = "gov_major_demerit"     // 记大过, 18 months
	GovDemotion         SanctionKind = "gov_demotion"          // 降级, 24 months
	GovDismissal        SanctionKind = "gov_dismissal"         // 撤职, 24 months
	GovExpulsion        SanctionKind = "gov_expulsion"         // 开除（公职）, permanent
)

// Visit methods (方式), types (类型), conclusions and recommendations are
// stored as these codes; handlers/ owns their wording.
const (
	MethodTalk      = "talk"      // 谈心谈话
	MethodHome      = "home"      // 上门走访
	MethodRelatives = "relatives" // 走访亲友同事
	MethodGroup     = "group"     // 个别座谈
	MethodAppraisal = "appraisal" // 民主测评
	MethodInquiry   = "inquiry"   // 询问
	MethodPartyOrg  = "party_org" // 向所在党组织了解情况

	TypeTalk        = "talk"        // 交谈式
	TypeRecommend   = "recommend"   // 推荐式
	TypeInteractive = "interactive" // 互动式

	ConclusionGood       = "good"        // 好
	ConclusionFairlyGood = "fairly_good" // 较好
	ConclusionAverage    = "average"     // 一般
	ConclusionPoor       = "poor"        // 差

	RecommendContinue   = "continue"    // 继续帮扶
	RecommendPost       = "post"        // 推荐使用
	RecommendAdjustPost = "adjust_post" // 建议调整岗位
	RecommendLift       = "lift"        // 支持解除处分/恢复党员权利
)

// The codes of each list, in the order forms, sheets and checks use them:
// the one place they are enumerated. Read only.
var (
	SanctionKinds = []SanctionKind{PartyWarning, PartySeriousWarning, PartyPostRemoval, PartyProbation,
		PartyExpulsion, GovWarning, GovDemerit, GovMajorDemerit, GovDemotion, GovDismissal, GovExpulsion}
	Ranks      = []Rank{RankSectionCadre, RankCivilServant, RankOther}
	Methods    = []string{MethodTalk, MethodHome, MethodRelatives, MethodGroup, MethodAppraisal, MethodInquiry, MethodPartyOrg}
	VisitTypes = []string{TypeTalk, TypeRecommend, TypeInteractive}
)

// Unit is a node of the unit tree. Path is the materialised path of ids
// ("/1/4/9/") so that a subtree is one indexed prefix query.
type Unit struct {
	ID        uint64  `gorm:"primaryKey"`
	ParentID  *uint64 `gorm:"index"`
	Name      string  `gorm:"size:128;not null;index"`
	Path      string  `gorm:"size:512;not null;index"`
	CreatedAt time.Time
}

// User is a person allowed to use the bot, keyed by Telegram user id.
type User struct {
	ID         uint64 `gorm:"primaryKey"`
	TelegramID int64  `gorm:"not null;uniqueIndex"`
	Name       string `gorm:"size:64;not null"`
	Role       Role   `gorm:"size:16;not null"`
	UnitID     uint64 `gorm:"not null;index"`
	Lang       string `gorm:"size:8;not null;default:zh"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
	RevokedAt  *time.Time // access removed; the row stays so that audit rows and visit authors resolve
	Digest     string     `gorm:"size:8;not null;default:'weekly'"` // DigestWeekly, DigestDaily or DigestOff
}

// Member is a sanctioned party member or official (受处分党员干部).
type Member struct {
	ID        uint64 `gorm:"primaryKey"`
	Name      string `gorm:"size:64;not null;index"`
	UnitID    uint64 `gorm:"not null;index"`
	Post      string `gorm:"size:128;not null;default:''"`
	Rank      Rank   `gorm:"size:24;not null;default:other"`
	Key       bool   `gorm:"not null;default:false"` // 重点回访对象
	KeyReason string `gorm:"size:256;not null;default:''"`
	CreatedAt time.Time
	UpdatedAt time.Time

	AssigneeID     *int64     `gorm:"index"`                              // Telegram id of the inspector of interactive (互动式) visits
	IntervalMonths int        `gorm:"not null;default:0"`                 // months between interactive visits; 0: none
	NamePinyin     string     `gorm:"size:255;not null;default:'';index"` // "zhangsan", set on every save
	NameInitials   string     `gorm:"size:64;not null;default:'';index"`  // "zs", set on every save
	AssignedAt     *time.Time `gorm:"type:date"`                          // when AssigneeID or IntervalMonths last changed (UpdateMember)

	UnitAppraisal     string     `gorm:"type:text"` // 单位鉴定: the unit's appraisal, kept in the archive
	UnitAppraisalDate *time.Time `gorm:"type:date"` // the date of that appraisal
}

// Sanction is one disciplinary decision against a member. PeriodEnd is
// computed from Kind, ProbationMonths, the extension and EffectiveDate,
// never typed. Enforced follows from the visits' enforcement checks.
type Sanction struct {
	ID              uint64       `gorm:"primaryKey"`
	MemberID        uint64       `gorm:"not null;index:idx_sanctions_member_decision,priority:1"`
	Kind            SanctionKind `gorm:"size:32;not null"`
	DecisionNo      string       `gorm:"size:64;not null;uniqueIndex"` // 文号
	DecisionDate    time.Time    `gorm:"type:date;not null;index:idx_sanctions_member_decision,priority:2"`
	EffectiveDate   time.Time    `gorm:"type:date;not null"`
	ProbationMonths int          `gorm:"not null;default:0"` // 12 or 24 for PartyProbation
	PeriodEnd       *time.Time   `gorm:"type:date;index"`
	Enforced        bool         `gorm:"not null;default:false"`      // execution found in order (处分决定执行落实): the latest check was, or its problem was corrected
	LiftedOn        *time.Time   `gorm:"type:date"`                   // 恢复党员权利 (probation), 解除 recorded (governmental): never before PeriodEnd
	LiftDecisionNo  string       `gorm:"size:64;not null;default:''"` // 文号 of that decision; optional for a governmental lifting
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Category    Rank   `gorm:"size:24;not null;default:other"` // 人员类别 at the decision: decides the visit duty, whatever the member's later category
	ExtensionNo string `gorm:"size:64;not null;default:''"`    // 文号 of the one-year extension of a one-year probation; "" when not extended
}

// Visit is one saved return visit (回访). IdemKey is the draft's id: a unique
// index on it makes saving the same draft twice impossible.
type Visit struct {
	ID                 uint64     `gorm:"primaryKey"`
	IdemKey            string     `gorm:"size:64;not null;uniqueIndex"`
	MemberID           uint64     `gorm:"not null;index:idx_visits_member_date,priority:1"`
	AuthorID           int64      `gorm:"not null;index"` // Telegram id of the logging inspector
	Date               time.Time  `gorm:"type:date;not null;index;index:idx_visits_member_date,priority:2"`
	Methods            string     `gorm:"size:128;not null"` // comma-separated method codes
	Type               string     `gorm:"size:16;not null"`
	Inspectors         string     `gorm:"size:512;not null"`
	Participants       string     `gorm:"size:512;not null;default:''"`
	Thinking           string     `gorm:"type:text;not null"`
	Work               string     `gorm:"type:text;not null"`
	Difficulties       string     `gorm:"type:text"`
	Opinions           string     `gorm:"type:text"`
	Help               string     `gorm:"type:text"`
	EnforcementOK      bool       `gorm:"not null"`
	EnforcementProblem string     `gorm:"type:text"`
	PayCorrectedFen    int64      `gorm:"not null;default:0"` // pay corrected, in fen (0.01 yuan)
	Conclusion         string     `gorm:"size:16;not null"`
	Recommendation     string     `gorm:"size:16;not null"`
	FeedbackUnit       bool       `gorm:"not null"`
	BranchInformed     bool       `gorm:"not null"`
	NextVisit          *time.Time `gorm:"type:date"`
	CreatedAt          time.Time

	Study              string     `gorm:"type:text"`                   // 学习情况
	Rectification      string     `gorm:"type:text"`                   // 改正错误和整改情况
	CaseView           string     `gorm:"type:text"`                   // 对案件的认识、申诉意向
	Loopholes          string     `gorm:"type:text"`                   // 单位管理漏洞、制度薄弱环节
	Guidance           string     `gorm:"type:text"`                   // 肯定成绩、指出不足和努力方向
	Requests           string     `gorm:"type:text"`                   // 向组织、人事、民政部门反映的诉求
	RequestsMetOn      *time.Time `gorm:"type:date"`                   // the requests were met (诉求落实); nil: open
	RequestsOpen       bool       `gorm:"not null;default:false"`      // Requests given and not met: kept by the store, so that the calendar never reads the text
	AppraisalMorality  string     `gorm:"size:16;not null;default:''"` // 民主测评 德: a conclusion code
	AppraisalAbility   string     `gorm:"size:16;not null;default:''"` // 能
	AppraisalDiligence string     `gorm:"size:16;not null;default:''"` // 勤
	AppraisalResults   string     `gorm:"size:16;not null;default:''"` // 绩
	AppraisalIntegrity string     `gorm:"size:16;not null;default:''"` // 廉
	AppraisalNote      string     `gorm:"type:text"`
	RectifiedOn        *time.Time `gorm:"type:date"`          // the enforcement problem was corrected (整改); nil: open
	RectifiedFen       int64      `gorm:"not null;default:0"` // pay corrected when it was, in fen

	// Review is the supervisor's review of the record (审核). Visits saved
	// before review existed are approved: the office had accepted them.
	Review     ReviewState `gorm:"size:16;not null;default:approved;index"`
	ReviewerID *int64      // Telegram id of who approved or returned it
	ReviewedAt *time.Time
	ReviewNote string `gorm:"type:text"` // the comment a returned visit carries
}

// ReviewState is where a visit stands in the supervisor's review.
type ReviewState string

// The review states: 待审核, 已审核, 退回修改.
const (
	ReviewPending  ReviewState = "pending"
	ReviewApproved ReviewState = "approved"
	ReviewReturned ReviewState = "returned"
)

// Final reports whether the visit counts as final in the archive and the
// year-end figures: only an approved one does.
func (v Visit) Final() bool { return v.Review == ReviewApproved }

// VisitSanction links a visit to a sanction it was about.
type VisitSanction struct {
	VisitID    uint64 `gorm:"primaryKey;autoIncrement:false"`
	SanctionID uint64 `gorm:"primaryKey;autoIncrement:false;index"`
}

// AuditEvent records who viewed or changed what. The application only ever
// inserts audit rows. It holds ids and codes, never names or findings.
// Rows form a hash chain in Seq order: Hash covers the row, the members it
// names and the Hash of the row before, so that a changed, removed or
// inserted row breaks the chain from there on.
type AuditEvent struct {
	ID       uint64    `gorm:"primaryKey"`
	At       time.Time `gorm:"not null;index"`
	ActorID  int64     `gorm:"not null;index"` // Telegram id
	Action   string    `gorm:"size:32;not null"`
	MemberID *uint64   `gorm:"index"` // the one member the action concerned; several are in Members
	VisitID  *uint64
	Detail   string `gorm:"size:255;not null;default:''"`
	Chain    uint16 `gorm:"not null;default:1;uniqueIndex:idx_audit_events_chain_seq,priority:1"` // which of the hash chains (by actor)
	Seq      uint64 `gorm:"not null;default:0;uniqueIndex:idx_audit_events_chain_seq,priority:2"` // position in the chain, from 1
	Hash     string `gorm:"size:64;not null;default:''"`                                          // hex SHA-256, see sqlstore's auditHash

	// Members are the members an action showed or changed when it named
	// more than one (kept in their own table, audit_members).
	Members []uint64 `gorm:"-"`
}

// Viewer is who asks. An admin sees every member; anyone else sees only the
// members of their unit's subtree. UnitID may be 0 for an admin configured
// in the environment who has no row in the users table.
type Viewer struct {
	TelegramID int64
	Role       Role
	UnitID     uint64
}
