package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

const token = "42:TEST"

// answer is the JSON of a Bot API answer.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// upload posts a multipart request; file, when not nil, goes in the
// "document" part under name.
func upload(t *testing.T, srv *telegramtest.Server, method string, fields map[string]string, name string, file []byte) answer {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		part, err := w.CreateFormFile("document", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client().Post(fmt.Sprintf(srv.Endpoint(), token, method), w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res)
}

func post(t *testing.T, srv *telegramtest.Server, method string, fields url.Values) answer {
	t.Helper()
	res, err := srv.Client().PostForm(fmt.Sprintf(srv.Endpoint(), token, method), fields)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res)
}

func decode(t *testing.T, res *http.Response) answer {
	t.Helper()
	defer res.Body.Close()
	var a answer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatalf("decode answer: %v", err)
	}
	if !a.OK && a.ErrorCode != res.StatusCode {
		t.Errorf("error_code %d in an HTTP %d answer", a.ErrorCode, res.StatusCode)
	}
	return a
}

// download fetches a file as the bot does: getFile, then the file URL.
func download(t *testing.T, srv *telegramtest.Server, fileID string) (answer, []byte) {
	t.Helper()
	a := post(t, srv, "getFile", url.Values{"file_id": {fileID}})
	if !a.OK {
		return a, nil
	}
	var f struct {
		Path string `json:"file_path"`
		Size int    `json:"file_size"`
	}
	if err := json.Unmarshal(a.Result, &f); err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(srv.Endpoint(), "/bot%s/%s")
	res, err := srv.Client().Get(base + "/file/bot" + token + "/" + f.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK || len(data) != f.Size {
		t.Fatalf("download %s: status %d, %d bytes of %d, %v", f.Path, res.StatusCode, len(data), f.Size, err)
	}
	return a, data
}

func TestServer_SendDocument(t *testing.T) {
	srv := telegramtest.NewServer(t, token)
	data := []byte("姓名,电话\n张三,1\n")
	a := upload(t, srv, "sendDocument", map[string]string{
		"chat_id":         "8",
		"caption":         "<b>名单</b> &amp; 说明",
		"parse_mode":      "HTML",
		"protect_content": "true",
		"reply_markup":    `{"inline_keyboard":[[{"text":"好","callback_data":"ok"}]]}`,
	}, "名单 2025.csv", data)
	if !a.OK {
		t.Fatalf("sendDocument: %s", a.Description)
	}
	want := []telegramtest.Sent{{
		Method: "sendDocument", ChatID: 8, MessageID: 1, Text: "<b>名单</b> &amp; 说明", ParseMode: "HTML",
		Buttons: [][]handlers.Button{{{Text: "好", Data: "ok"}}}, Protect: true,
		Document: "名单 2025.csv", DocumentData: data,
	}}
	if diff := cmp.Diff(want, srv.Sent()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	var msg struct {
		ID       int    `json:"message_id"`
		Caption  string `json:"caption"`
		Document struct {
			FileID   string `json:"file_id"`
			FileName string `json:"file_name"`
			Size     int    `json:"file_size"`
		} `json:"document"`
	}
	if err := json.Unmarshal(a.Result, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.ID != 1 || msg.Caption == "" || msg.Document.FileName != "名单 2025.csv" || msg.Document.Size != len(data) {
		t.Errorf("answered message = %+v", msg)
	}
	// What was sent can be downloaded back by its file id.
	if _, got := download(t, srv, msg.Document.FileID); !bytes.Equal(got, data) {
		t.Errorf("downloaded %q", got)
	}
	// A document has no text to edit.
	edit := post(t, srv, "editMessageText", url.Values{"chat_id": {"8"}, "message_id": {"1"}, "text": {"x"}})
	if edit.OK || !strings.Contains(edit.Description, "no text in the message") {
		t.Errorf("editMessageText of a document = %+v", edit)
	}
}

func TestServer_SendDocument_Rejects(t *testing.T) {
	file := []byte("x")
	tests := []struct {
		name    string
		fields  map[string]string
		file    []byte
		code    int
		errText string // "" when the call must succeed
	}{
		{"NoCaption", map[string]string{}, file, 200, ""},
		{"CaptionAtLimit", map[string]string{"caption": strings.Repeat("😀", 512)}, file, 200, ""},
		{"CaptionTagsNotCounted", map[string]string{"caption": "<b>" + strings.Repeat("a", 1020) + "</b>&amp;&lt;", "parse_mode": "HTML"}, file, 200, ""},
		{"CaptionTooLong", map[string]string{"caption": strings.Repeat("😀", 512) + "a"}, file, 400, "caption is too long"},
		{"CaptionTooLongHan", map[string]string{"caption": strings.Repeat("字", 1025), "parse_mode": "HTML"}, file, 400, "caption is too long"},
		{"CaptionBadHTML", map[string]string{"caption": "<b>x", "parse_mode": "HTML"}, file, 400, "can't parse entities"},
		{"BadKeyboard", map[string]string{"reply_markup": `{"inline_keyboard":[[{"text":"x","callback_data":""}]]}`}, file, 400, "BUTTON_DATA_INVALID"},
		{"NoFile", map[string]string{}, nil, 400, "no document"},
		{"EmptyFile", map[string]string{}, []byte{}, 400, "non-empty"},
		{"UnknownFileID", map[string]string{"document": "nope"}, nil, 400, "no document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, token)
			tt.fields["chat_id"] = "8"
			a := upload(t, srv, "sendDocument", tt.fields, "a.txt", tt.file)
			switch {
			case tt.errText == "" && !a.OK:
				t.Fatalf("sendDocument failed: %s", a.Description)
			case tt.errText != "" && (a.OK || a.ErrorCode != tt.code || !strings.Contains(a.Description, tt.errText)):
				t.Fatalf("sendDocument = %+v, want %d %q", a, tt.code, tt.errText)
			}
			if n := len(srv.Sent()); (n == 1) != a.OK {
				t.Errorf("%d messages recorded", n)
			}
		})
	}
}

func TestServer_SendDocument_Blocked(t *testing.T) {
	srv := telegramtest.NewServer(t, token)
	srv.Block(8)
	if a := upload(t, srv, "sendDocument", map[string]string{"chat_id": "8"}, "a.txt", []byte("x")); a.ErrorCode != http.StatusForbidden {
		t.Errorf("sendDocument to a blocked chat = %+v", a)
	}
	if a := post(t, srv, "sendMessage", url.Values{"chat_id": {"8"}, "text": {"x"}}); a.ErrorCode != http.StatusForbidden {
		t.Errorf("sendMessage to a blocked chat = %+v", a)
	}
	if a := post(t, srv, "sendMessage", url.Values{"chat_id": {"9"}, "text": {"x"}}); !a.OK {
		t.Errorf("sendMessage to another chat = %+v", a)
	}
	srv.Unblock(8)
	if a := post(t, srv, "sendMessage", url.Values{"chat_id": {"8"}, "text": {"x"}}); !a.OK {
		t.Errorf("sendMessage after Unblock = %+v", a)
	}
}

func TestServer_GetFile(t *testing.T) {
	srv := telegramtest.NewServer(t, token)
	srv.SendDocument(9, 9, "AgAD/x+y z", "list.csv", []byte("a,b\n"))
	srv.SendDocument(9, 9, "BIG", "big.csv", make([]byte, 20<<20+1))
	if _, data := download(t, srv, "AgAD/x+y z"); string(data) != "a,b\n" {
		t.Errorf("downloaded %q", data)
	}
	if a := post(t, srv, "getFile", url.Values{"file_id": {"BIG"}}); a.OK || !strings.Contains(a.Description, "file is too big") {
		t.Errorf("getFile of 20 MB + 1 = %+v", a)
	}
	if a := post(t, srv, "getFile", url.Values{"file_id": {"nope"}}); a.OK || a.ErrorCode != 400 {
		t.Errorf("getFile of an unknown id = %+v", a)
	}
}
