package models

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Column limits that MySQL enforces and SQLite does not; checking them here
// makes both engines accept the same visits.
const maxTextBytes = 65535 // TEXT

// Validate checks a visit's required fields, codes and lengths.
func (v Visit) Validate() error {
	switch {
	case v.IdemKey == "" || len(v.IdemKey) > 64:
		return errors.New("visit: idempotency key must be 1-64 bytes")
	case v.MemberID == 0:
		return errors.New("visit: no member")
	case v.Date.IsZero():
		return errors.New("visit: no date")
	case !validMethods(v.Methods):
		return fmt.Errorf("visit: invalid methods %q", v.Methods)
	case v.Type != TypeTalk && v.Type != TypeRecommend && v.Type != TypeInteractive:
		return fmt.Errorf("visit: invalid type %q", v.Type)
	case !validConclusion(v.Conclusion):
		return fmt.Errorf("visit: invalid conclusion %q", v.Conclusion)
	case v.Recommendation != "" && v.Recommendation != RecommendContinue && v.Recommendation != RecommendPost &&
		v.Recommendation != RecommendAdjustPost && v.Recommendation != RecommendLift:
		return fmt.Errorf("visit: invalid recommendation %q", v.Recommendation)
	case !validAppraisal(v):
		return errors.New("visit: invalid appraisal grade")
	case v.PayCorrectedFen < 0:
		return errors.New("visit: negative pay correction")
	case utf8.RuneCountInString(v.Inspectors) > 512 || utf8.RuneCountInString(v.Participants) > 512:
		return errors.New("visit: inspectors or participants longer than 512 characters")
	}
	for _, t := range []string{v.Thinking, v.Work, v.Difficulties, v.Opinions, v.Help, v.EnforcementProblem,
		v.Study, v.Rectification, v.CaseView, v.Loopholes, v.Guidance, v.Requests, v.AppraisalNote} {
		if len(t) > maxTextBytes {
			return fmt.Errorf("visit: a text longer than %d bytes", maxTextBytes)
		}
	}
	return nil
}

func validMethods(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, m := range strings.Split(s, ",") {
		if !slices.Contains(Methods, m) {
			return false
		}
	}
	return true
}

// validAppraisal checks the grades of a democratic appraisal: each empty
// or a conclusion code.
func validAppraisal(v Visit) bool {
	for _, g := range []string{v.AppraisalMorality, v.AppraisalAbility, v.AppraisalDiligence, v.AppraisalResults, v.AppraisalIntegrity} {
		if g != "" && !validConclusion(g) {
			return false
		}
	}
	return true
}

func validConclusion(c string) bool {
	return c == ConclusionGood || c == ConclusionFairlyGood || c == ConclusionAverage || c == ConclusionPoor
}

// RequestsPending reports whether requests were passed on at the visit
// and not marked met; the store keeps it in RequestsOpen.
func (v Visit) RequestsPending() bool { return v.Requests != "" && v.RequestsMetOn == nil }

// NormaliseDates turns the dates into UTC midnights. The store runs it
// on every visit it writes and reads, whatever the driver made of them.
func (v *Visit) NormaliseDates() {
	v.Date = DateOf(v.Date)
	v.NextVisit = datePtr(v.NextVisit)
	v.RequestsMetOn = datePtr(v.RequestsMetOn)
	v.RectifiedOn = datePtr(v.RectifiedOn)
}

func datePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := DateOf(*t)
	return &d
}
