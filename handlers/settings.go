package handlers

import (
	"errors"
	"fmt"
	"slices"

	"github.com/huifang/huifang/models"
)

// cmdSettings shows the user's settings: the digest frequency (for those
// who get digests) and the language.
func (s *session) cmdSettings() error {
	s.send(s.settingsCard(""))
	return nil
}

// getsDigest reports whether the user gets digests and has a users row to
// keep the frequency in.
func (s *session) getsDigest() bool {
	return (s.user.Role == models.RoleSupervisor || s.user.Role == models.RoleAdmin) && s.user.ID != 0
}

// settingsCard is the settings message with its buttons, under an
// optional note.
func (s *session) settingsCard(note string) Message {
	text := s.t.T("rm_settings")
	if note != "" {
		text = note + "\n\n" + text
	}
	var rows [][]Button
	if s.getsDigest() {
		cur := s.user.Digest
		if !slices.Contains(digestFreqs, cur) {
			cur = digestFreqs[0]
		}
		text += "\n" + s.t.T("rm_settings_digest", "Freq", s.t.T("rm_freq_"+cur))
		var row []Button
		for _, f := range digestFreqs {
			if data, ok := buttonData(ReminderCallback{Action: rcDigest, Arg: f}); ok {
				row = append(row, Button{Text: s.t.T("rm_freq_" + f), Data: data})
			}
		}
		rows = append(rows, row)
	}
	text += "\n" + s.t.T("rm_settings_lang")
	zh, _ := buttonData(ReminderCallback{Action: rcLang, Arg: LangZH})
	en, _ := buttonData(ReminderCallback{Action: rcLang, Arg: LangEN})
	rows = append(rows, []Button{{Text: s.t.T("rm_lang_zh"), Data: zh}, {Text: s.t.T("rm_lang_en"), Data: en}})
	return Message{Text: text, Buttons: rows}
}

// setDigestFrequency answers a frequency button of the settings card.
func (s *session) setDigestFrequency(freq string) error {
	if !s.getsDigest() {
		s.toast("rm_digest_only")
		return nil
	}
	db, err := s.a.reminders()
	if err != nil {
		return err
	}
	err = db.SetDigestFrequency(s.ctx, s.user.TelegramID, freq)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		s.toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("set digest frequency of %d: %w", s.user.TelegramID, err)
	}
	s.user.Digest = freq
	label := s.t.T("rm_freq_" + freq)
	s.resp.CallbackText = s.t.T("rm_freq_set", "Freq", label)
	s.show(s.settingsCard(s.t.T("rm_freq_set", "Freq", label)))
	return nil
}

// setLanguage answers a language button of the settings card, like /lang.
func (s *session) setLanguage(lang string) error {
	if err := s.cmdLang(lang); err != nil {
		return err
	}
	s.show(s.settingsCard(""))
	return nil
}
