package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/huifang/huifang/config"
)

// knownSetting reports whether name is one of Huifang's variables.
func knownSetting(name string) bool {
	var usage strings.Builder
	config.Usage(&usage)
	return strings.Contains(usage.String(), "  "+name+", -")
}

// TestDeploy_Compose: the compose file serves health and metrics, and its
// healthcheck asks them with the binary (the image has no curl).
func TestDeploy_Compose(t *testing.T) {
	var f struct {
		Services map[string]struct {
			Environment map[string]string
			Healthcheck struct{ Test []string }
		}
	}
	data, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	bot, ok := f.Services["huifang"]
	if !ok {
		t.Fatal("no service huifang")
	}
	for name := range bot.Environment {
		if !knownSetting(name) {
			t.Errorf("huifang's environment sets %s, which is no setting", name)
		}
	}
	if bot.Environment["HUIFANG_METRICS_LISTEN"] == "" || bot.Environment["HUIFANG_STARTUP_WAIT"] == "" {
		t.Errorf("huifang sets neither HUIFANG_METRICS_LISTEN nor HUIFANG_STARTUP_WAIT: %v", bot.Environment)
	}
	if got := strings.Join(bot.Healthcheck.Test, " "); got != "CMD /huifang healthcheck --ready" {
		t.Errorf("healthcheck %q, want the binary's healthcheck --ready", got)
	}
}

// k8sObject is what the test reads of a Kubernetes manifest.
type k8sObject struct {
	Kind     string
	Metadata struct{ Name string }
	Spec     struct {
		Replicas int
		Template struct {
			Spec struct {
				Containers []k8sContainer
			}
		}
	}
	StringData map[string]string `yaml:"stringData"`
}

type k8sContainer struct {
	Ports []struct {
		Name          string
		ContainerPort int `yaml:"containerPort"`
	}
	Env []struct {
		Name      string
		Value     string
		ValueFrom *struct {
			SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	}
	LivenessProbe  k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe k8sProbe `yaml:"readinessProbe"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string
		Port string
	} `yaml:"httpGet"`
}

func readManifests(t *testing.T, path string) map[string]k8sObject {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]k8sObject{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var o k8sObject
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[o.Kind] = o
	}
}

// TestDeploy_Kubernetes: three webhook replicas whose probes ask /healthz
// and /readyz on the port HUIFANG_METRICS_LISTEN names, every variable a
// setting, every secret reference a key of the Secret.
func TestDeploy_Kubernetes(t *testing.T) {
	objs := readManifests(t, "deploy/kubernetes/huifang.yaml")
	dep, secret := objs["Deployment"], objs["Secret"]
	if dep.Spec.Replicas != 3 || len(dep.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("Deployment: %d replicas, %d containers; want 3 and 1", dep.Spec.Replicas, len(dep.Spec.Template.Spec.Containers))
	}
	if _, ok := objs["Service"]; !ok {
		t.Error("no Service for the webhook")
	}
	c := dep.Spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		if !knownSetting(e.Name) {
			t.Errorf("env %s is no setting", e.Name)
		}
		env[e.Name] = e.Value
		if ref := e.ValueFrom; ref != nil {
			if _, ok := secret.StringData[ref.SecretKeyRef.Key]; ref.SecretKeyRef.Name != secret.Metadata.Name || !ok {
				t.Errorf("env %s refers to secret %s key %s, which the Secret lacks", e.Name, ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
			}
		}
	}
	for _, need := range []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "MYSQL_DSN", "REDIS_URL", "HUIFANG_METRICS_LISTEN"} {
		if _, ok := env[need]; !ok {
			t.Errorf("env lacks %s", need)
		}
	}
	ports := map[string]string{}
	for _, p := range c.Ports {
		ports[p.Name] = strconv.Itoa(p.ContainerPort)
	}
	_, metricsPort, _ := net.SplitHostPort(env["HUIFANG_METRICS_LISTEN"])
	_, webhookPort, _ := net.SplitHostPort(env["HUIFANG_WEBHOOK_LISTEN"])
	if ports["webhook"] != webhookPort || ports["metrics"] != metricsPort {
		t.Errorf("ports %v, want webhook %s and metrics %s", ports, webhookPort, metricsPort)
	}
	for name, p := range map[string]k8sProbe{"/healthz": c.LivenessProbe, "/readyz": c.ReadinessProbe} {
		if p.HTTPGet.Path != name || ports[p.HTTPGet.Port] != metricsPort {
			t.Errorf("probe %+v, want %s on the metrics port", p, name)
		}
	}
}
