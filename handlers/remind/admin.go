package remind

import (
	"slices"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// maxBlockedListed is how many users who blocked the bot an admin digest
// names, before cutting to fit.
const maxBlockedListed = 20

// adminDelivery renders an admin digest: who blocked the bot, how many
// deliveries failed or may not have arrived, and the years the workday
// calendar has no data for.
func (v *view) adminDelivery(payload, period string) (kit.Message, error) {
	p, err := decodeAdminDigest(payload)
	if err != nil {
		return kit.Message{}, err
	}
	secs := v.problemSections(p)
	for _, y := range p.HolidaysUnknown {
		secs = append(secs, section{head: v.t.T("rm_ad_holidays", "Year", y)})
	}
	if len(secs) == 0 {
		secs = append(secs, section{head: v.t.T("rm_ad_ok")})
	}
	title := v.t.T("rm_ad_title", "Period", kit.Esc(period))
	return kit.Message{Text: v.fitSections(title, secs, maxBlockedListed)}, nil
}

// problemSections are the admin digest's sections about deliveries: the
// users who blocked the bot, the failed and the uncertain sends.
func (v *view) problemSections(p models.AdminDigestPayload) []section {
	var blocked []int64
	failed, uncertain := 0, 0
	for _, d := range p.Problems {
		switch d.Status {
		case models.StatusBlocked:
			if !slices.Contains(blocked, d.Recipient) {
				blocked = append(blocked, d.Recipient)
			}
		case models.StatusFailed:
			failed++
		case models.StatusUncertain:
			uncertain++
		}
	}
	var secs []section
	if len(blocked) > 0 {
		sec := section{head: v.t.T("rm_ad_blocked", "N", len(blocked)), total: len(blocked), more: "rm_dg_more_people"}
		for _, id := range blocked[:min(len(blocked), maxBlockedListed)] {
			sec.lines = append(sec.lines, "• "+v.t.T("rm_ad_user", "Name", v.userName(id), "ID", id))
		}
		secs = append(secs, sec)
	}
	if failed > 0 {
		secs = append(secs, section{head: v.t.T("rm_ad_failed", "N", failed)})
	}
	if uncertain > 0 {
		secs = append(secs, section{head: v.t.T("rm_ad_uncertain", "N", uncertain)})
	}
	if p.ProblemCount > len(p.Problems) {
		secs = append(secs, section{head: v.t.T("rm_ad_more", "Shown", len(p.Problems), "N", p.ProblemCount)})
	}
	return secs
}
