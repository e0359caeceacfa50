// Command helm-oracle runs Helm's own template engine (helm.sh/helm/v3, the version of the
// real Helm binary the differential tests use) on the cases of tests/helm-cases/*.json and
// records what Helm prints, so the Rust suite can compare without needing Go.
//
// Usage:
//
//	go run . ../helm-cases/*.json          # fill in "output"/"error" of every case
//	go run . --check ../helm-cases/*.json  # exit 1 if a recorded result differs
//
// A case is {"name", "template", "values"?, "files"?, "output"?, "error"?}: "template" is
// rendered as t/templates/t.yaml of a chart named t (version 0.1.0, apiVersion v2) whose
// values.yaml is "values"; "files" adds more chart files (e.g. templates/_helpers.tpl).
// The release is release-name in namespace default, with Helm's default capabilities.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

type testCase struct {
	Name     string            `json:"name"`
	Template string            `json:"template"`
	Values   string            `json:"values,omitempty"`
	Files    map[string]string `json:"files,omitempty"`
	Output   *string           `json:"output,omitempty"`
	Error    *string           `json:"error,omitempty"`
}

func render(c testCase) (string, error) {
	vals, err := chartutil.ReadValues([]byte(c.Values))
	if err != nil {
		return "", fmt.Errorf("values: %w", err)
	}
	ch := &chart.Chart{
		Metadata: &chart.Metadata{Name: "t", Version: "0.1.0", APIVersion: "v2"},
		Values:   vals,
		Templates: []*chart.File{{Name: "templates/t.yaml", Data: []byte(c.Template)}},
	}
	names := make([]string, 0, len(c.Files))
	for name := range c.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f := &chart.File{Name: name, Data: []byte(c.Files[name])}
		if strings.HasPrefix(name, "templates/") {
			ch.Templates = append(ch.Templates, f)
		} else {
			ch.Files = append(ch.Files, f)
		}
	}
	opts := chartutil.ReleaseOptions{Name: "release-name", Namespace: "default", Revision: 1, IsInstall: true}
	top, err := chartutil.ToRenderValues(ch, map[string]interface{}{}, opts, chartutil.DefaultCapabilities.Copy())
	if err != nil {
		return "", err
	}
	out, err := engine.Render(ch, top)
	if err != nil {
		return "", err
	}
	return out["t/templates/t.yaml"], nil
}

func main() {
	check := flag.Bool("check", false, "compare instead of writing")
	flag.Parse()
	failed := false
	for _, path := range flag.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var cases []testCase
		if err := json.Unmarshal(data, &cases); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(2)
		}
		for i := range cases {
			out, rerr := render(cases[i])
			var gotOut, gotErr *string
			if rerr != nil {
				s := rerr.Error()
				gotErr = &s
			} else {
				gotOut = &out
			}
			if *check {
				if !same(gotOut, cases[i].Output) || !same(gotErr, cases[i].Error) {
					fmt.Printf("%s: %s: recorded result differs from Helm\n", path, cases[i].Name)
					failed = true
				}
				continue
			}
			cases[i].Output, cases[i].Error = gotOut, gotErr
		}
		if *check {
			continue
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cases); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func same(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
