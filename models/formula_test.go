package models_test

import (
	"errors"
	"testing"

	"github.com/huifang/huifang/models"
)

func TestStartsFormula(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"张三", false}, {"", false}, {"   ", false}, {"a=b", false}, {"1-2", false},
		{"=1+1", true}, {"+86", true}, {"-", true}, {"@SUM(A1)", true},
		{"＝1", true}, {"＋1", true}, {"－1", true}, {"＠x", true},
		{"  =1", true}, {"\t=1", true}, {"\u200b=1", true}, {"\u3000＝1", true},
	} {
		if got := models.StartsFormula(tc.in); got != tc.want {
			t.Errorf("StartsFormula(%q) = %t, want %t", tc.in, got, tc.want)
		}
	}
}

func TestTrimFormula(t *testing.T) {
	for in, want := range map[string]string{"=Bob": "Bob", "＝＋ 王五": "王五", "王五": "王五", "=-+@": "", "a-b": "a-b"} {
		if got := models.TrimFormula(in); got != want {
			t.Errorf("TrimFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateUnitName_Formula(t *testing.T) {
	for _, name := range []string{"=HYPERLINK(\"x\")", "＠东湖", "-支部"} {
		if err := models.ValidateUnitName(name); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("ValidateUnitName(%q) = %v, want ErrInvalid", name, err)
		}
	}
	if err := models.ValidateUnitName("东湖-一村"); err != nil {
		t.Errorf("a hyphen inside a name: %v", err)
	}
}
