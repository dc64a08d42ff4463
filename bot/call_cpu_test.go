package bot

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/internal/cputime"
)

// stubEnv makes the test binary a stub Bot API server (see TestMain), so
// that a benchmark can count the CPU of its own side of each call alone.
const stubEnv = "HUIFANG_TEST_BOTAPI_STUB"

func TestMain(m *testing.M) {
	if os.Getenv(stubEnv) == "1" {
		runBotAPIStub()
		return
	}
	os.Exit(m.Run())
}

// stubMessage is an answer the size of an edited form step's message.
var stubMessage = `{"ok":true,"result":{"message_id":42,"from":{"id":123456,"is_bot":true,"first_name":"Huifang","username":"huifang_bot"},` +
	`"chat":{"id":7000000001,"first_name":"U","type":"private"},"date":1800000000,"edit_date":1800000001,` +
	`"text":"` + strings.Repeat("回访记录 ", 40) + `",` +
	`"reply_markup":{"inline_keyboard":[[{"text":"当面","callback_data":"v:m:1"},{"text":"电话","callback_data":"v:m:2"}],[{"text":"下一步","callback_data":"v:next"}]]}}}`

// runBotAPIStub answers every method at once (getMe with the bot, the rest
// with a message), prints its address and serves until stdin closes, which
// happens when the benchmark's process ends.
func runBotAPIStub() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	me := []byte(`{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Huifang","username":"huifang_bot"}}`)
	msg := []byte(stubMessage)
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/getMe") {
			_, _ = w.Write(me)
			return
		}
		_, _ = w.Write(msg)
	}))
}

// startBotAPIStub starts the stub in a child process and returns its
// endpoint.
func startBotAPIStub(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), stubEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("stub Bot API: %v", err)
	}
	return "http://" + strings.TrimSpace(addr) + "/bot%s/%s"
}

// BenchmarkCall_ClientCPU is the CPU one Bot API call costs the bot: an
// edit of a form step's message (the most common call) to a server in
// another process, 50 calls in flight as at the bench's saturation.
// cpu-µs/op is this process's CPU per call; the server's is not in it.
// "call" goes through call with the production transport; "roundtrip" is
// net/http alone (the same body posted by Transport.RoundTrip, the answer
// read and dropped), the part no code of ours can remove. Each action
// costs at least two calls (its answerCallbackQuery and its edit).
//
//	go test -run '^$' -bench Call_ClientCPU -benchtime 50000x ./bot
func BenchmarkCall_ClientCPU(b *testing.B) {
	endpoint := startBotAPIStub(b)
	nop := handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { return handlers.Response{} })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tg, err := New(ctx, Config{Token: testToken, Endpoint: endpoint}, nop)
	if err != nil {
		b.Fatal(err)
	}
	p := tgbotapi.Params{
		"chat_id":      "7000000001",
		"message_id":   "42",
		"text":         strings.Repeat("<b>回访记录</b> 思想状况：&lt;良好&gt; ", 12),
		"parse_mode":   "HTML",
		"reply_markup": `{"inline_keyboard":[[{"text":"当面","callback_data":"v:m:1"},{"text":"电话","callback_data":"v:m:2"}],[{"text":"下一步","callback_data":"v:next"}]]}`,
	}
	b.Run("call", func(b *testing.B) {
		cputime.RunParallel(b, 50, func() func() error {
			return func() error {
				_, err := tg.call(context.Background(), "editMessageText", p)
				return err
			}
		})
	})
	u := fmt.Sprintf(endpoint, testToken, "editMessageText")
	body := appendForm(nil, p)
	rt := defaultTransport()
	b.Run("roundtrip", func(b *testing.B) {
		cputime.RunParallel(b, 50, func() func() error {
			return func() error {
				req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
				if err != nil {
					return err
				}
				req.Header.Set("Content-Type", formType)
				res, err := rt.RoundTrip(req)
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				return err
			}
		})
	})
}
