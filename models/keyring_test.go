package models_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/huifang/huifang/models"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, models.KeySize) }

func mustKeyring(t *testing.T, purpose string, current []byte, old ...[]byte) *models.Keyring {
	t.Helper()
	k, err := models.NewKeyring(purpose, current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestKeyring_SealOpen(t *testing.T) {
	k := mustKeyring(t, "state", key(1))
	plain, ad := []byte("张三的回访草稿"), []byte("state:1:1")
	sealed := k.Seal(plain, ad)
	if bytes.Contains(sealed, plain) {
		t.Fatal("sealed value holds the plain text")
	}
	if got, rotated, err := k.Open(sealed, ad); err != nil || rotated || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %t, %v", got, rotated, err)
	}
	if got, _, err := k.Open(k.Seal(nil, ad), ad); err != nil || len(got) != 0 {
		t.Fatalf("empty value: %q, %v", got, err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for name, c := range map[string]struct {
		k      *models.Keyring
		sealed []byte
		ad     string
	}{
		"OtherAD":      {k, sealed, "state:2:2"},
		"OtherPurpose": {mustKeyring(t, "totp", key(1)), sealed, "state:1:1"},
		"OtherKey":     {mustKeyring(t, "state", key(2)), sealed, "state:1:1"},
		"Tampered":     {k, tampered, "state:1:1"},
		"Plain":        {k, []byte(`{"v":2}`), "state:1:1"},
		"Short":        {k, sealed[:10], "state:1:1"},
		"Empty":        {k, nil, "state:1:1"},
	} {
		if _, _, err := c.k.Open(c.sealed, []byte(c.ad)); !errors.Is(err, models.ErrUnsealed) {
			t.Errorf("%s: err = %v, want ErrUnsealed", name, err)
		}
	}
}

func TestKeyring_Rotation(t *testing.T) {
	ad := []byte("x")
	sealed := mustKeyring(t, "state", key(1)).Seal([]byte("v"), ad)
	rotated := mustKeyring(t, "state", key(2), key(1))
	got, wasOld, err := rotated.Open(sealed, ad)
	if err != nil || !wasOld || string(got) != "v" {
		t.Fatalf("old key: %q, %t, %v", got, wasOld, err)
	}
	if _, wasOld, err := rotated.Open(rotated.Seal([]byte("v"), ad), ad); err != nil || wasOld {
		t.Fatalf("current key: %t, %v", wasOld, err)
	}
}

func TestNewKeyring_Refusals(t *testing.T) {
	for name, f := range map[string]func() error{
		"NoPurpose":   func() error { _, err := models.NewKeyring("", key(1)); return err },
		"ShortKey":    func() error { _, err := models.NewKeyring("p", key(1)[:16]); return err },
		"NoKey":       func() error { _, err := models.NewKeyring("p", nil); return err },
		"ShortOldKey": func() error { _, err := models.NewKeyring("p", key(1), []byte("x")); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
