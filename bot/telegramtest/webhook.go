package telegramtest

import (
	"encoding/json"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Webhook is the last setWebhook's parameters, as the fake received them.
type Webhook struct {
	URL                string
	SecretToken        string
	MaxConnections     string
	AllowedUpdates     []string
	DropPendingUpdates string
}

// webhooks is the fake's webhook state, guarded by Server.mu.
type webhooks struct {
	current  *Webhook
	set      []Webhook
	deleteDP []string // drop_pending_updates of each deleteWebhook
}

// Webhook returns the webhook now set, if any. While one is set,
// getUpdates answers 409 Conflict as Telegram does.
func (s *Server) Webhook() (Webhook, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.webhooksLocked()
	if st.current == nil {
		return Webhook{}, false
	}
	return *st.current, true
}

// SetWebhooks returns every setWebhook received, in order.
func (s *Server) SetWebhooks() []Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Webhook(nil), s.webhooksLocked().set...)
}

// WebhookDeletes returns the drop_pending_updates value of each
// deleteWebhook received, in order.
func (s *Server) WebhookDeletes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.webhooksLocked().deleteDP...)
}

// TakeRaw removes the queued update id and returns its JSON as getUpdates
// would deliver it (verbatim for one queued with SendRaw).
func (s *Server) TakeRaw(id int) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pending {
		if p.id != id {
			continue
		}
		s.pending = append(s.pending[:i], s.pending[i+1:]...)
		if p.raw != nil {
			return p.raw, true
		}
		raw, err := json.Marshal(p.update)
		return raw, err == nil
	}
	return nil, false
}

// Take removes the queued update id, as Telegram does once a webhook
// delivered it, and returns it; false if no such update is queued.
func (s *Server) Take(id int) (tgbotapi.Update, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pending {
		if p.id == id {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			return p.update, true
		}
	}
	return tgbotapi.Update{}, false
}

func (s *Server) webhookSet() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhooksLocked().current != nil
}

func (s *Server) webhooksLocked() *webhooks {
	return &s.hooks
}

func (s *Server) serveWebhookMethod(w http.ResponseWriter, r *http.Request, method string) {
	if method == "deleteWebhook" {
		s.mu.Lock()
		st := s.webhooksLocked()
		st.current = nil
		st.deleteDP = append(st.deleteDP, r.FormValue("drop_pending_updates"))
		s.mu.Unlock()
		writeResult(w, true)
		return
	}
	hook := Webhook{
		URL:                r.FormValue("url"),
		SecretToken:        r.FormValue("secret_token"),
		MaxConnections:     r.FormValue("max_connections"),
		DropPendingUpdates: r.FormValue("drop_pending_updates"),
	}
	if raw := r.FormValue("allowed_updates"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &hook.AllowedUpdates); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse allowed updates", 0)
			return
		}
	}
	if hook.URL == "" {
		// Telegram treats an empty url as deleteWebhook.
		s.mu.Lock()
		s.webhooksLocked().current = nil
		s.mu.Unlock()
		writeResult(w, true)
		return
	}
	s.mu.Lock()
	st := s.webhooksLocked()
	st.current = &hook
	st.set = append(st.set, hook)
	s.mu.Unlock()
	writeResult(w, true)
}
