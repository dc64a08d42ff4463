package remind

import (
	"errors"
	"fmt"
	"slices"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// cmdSettings shows the user's settings: the digest frequency (for those
// who get digests) and the language.
func (r *Remind) cmdSettings(t *kit.Turn, _ string) error {
	t.Send(settingsCard(t, ""))
	return nil
}

// getsDigest reports whether the user gets digests and has a users row to
// keep the frequency in.
func getsDigest(t *kit.Turn) bool {
	return (t.User.Role == models.RoleSupervisor || t.User.Role == models.RoleAdmin) && t.User.ID != 0
}

// settingsCard is the settings message with its buttons, under an
// optional note.
func settingsCard(t *kit.Turn, note string) kit.Message {
	text := t.T.T("rm_settings")
	if note != "" {
		text = note + "\n\n" + text
	}
	var rows [][]kit.Button
	if getsDigest(t) {
		cur := t.User.Digest
		if !slices.Contains(digestFreqs, cur) {
			cur = digestFreqs[0]
		}
		text += "\n" + t.T.T("rm_settings_digest", "Freq", t.T.T("rm_freq_"+cur))
		var row []kit.Button
		for _, f := range digestFreqs {
			if data, ok := buttonData(ReminderCallback{Action: rcDigest, Arg: f}); ok {
				row = append(row, kit.Button{Text: t.T.T("rm_freq_" + f), Data: data})
			}
		}
		rows = append(rows, row)
	}
	text += "\n" + t.T.T("rm_settings_lang", "Lang", t.T.T("rm_lang_"+t.T.Lang()))
	zh, _ := buttonData(ReminderCallback{Action: rcLang, Arg: kit.LangZH})
	en, _ := buttonData(ReminderCallback{Action: rcLang, Arg: kit.LangEN})
	rows = append(rows, []kit.Button{{Text: t.T.T("rm_lang_zh"), Data: zh}, {Text: t.T.T("rm_lang_en"), Data: en}})
	return kit.Message{Text: text, Buttons: rows}
}

// setDigestFrequency answers a frequency button of the settings card.
func (r *Remind) setDigestFrequency(t *kit.Turn, freq string) error {
	if !getsDigest(t) {
		t.Toast("rm_digest_only")
		return nil
	}
	err := r.db.SetDigestFrequency(t.Ctx, t.User.TelegramID, freq)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		t.Toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("set digest frequency of %d: %w", t.User.TelegramID, err)
	}
	t.User.Digest = freq
	label := t.T.T("rm_freq_" + freq)
	t.Toast("rm_freq_set", "Freq", label)
	t.Show(settingsCard(t, t.T.T("rm_freq_set", "Freq", label)))
	return nil
}

// setLanguage answers a language button of the settings card, like /lang.
func (r *Remind) setLanguage(t *kit.Turn, lang string) error {
	if err := t.RunCommand("lang", lang); err != nil {
		return fmt.Errorf("set language %s: %w", lang, err)
	}
	t.Show(settingsCard(t, ""))
	return nil
}
