// Command oracle records how the Kubernetes client decode path reads a
// manifest stream: it replays kubectl's StreamVisitor loop on top of the real
// apimachinery YAMLOrJSONDecoder and writes the result as NNN.expected.json.
//
// Usage: go run . [--check] FILE.yaml...
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/runtime"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
)

// result is the content of an .expected.json file.
type result struct {
	Documents            []interface{} `json:"documents"`
	Error                string        `json:"error,omitempty"`
	DuplicateKeys        bool          `json:"duplicateKeys,omitempty"`
	NondeterministicKeys bool          `json:"nondeterministicKeys,omitempty"`
}

// decode replays kubectl's StreamVisitor.Visit loop. It returns the kept
// documents and how many Decode calls succeeded (skipped documents included).
func decode(data []byte) ([]interface{}, int, error) {
	d := k8syaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	docs := []interface{}{}
	for n := 0; ; n++ {
		ext := runtime.RawExtension{}
		if err := d.Decode(&ext); err != nil {
			if err == io.EOF {
				return docs, n, nil
			}
			return docs, n, err
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		jd := json.NewDecoder(bytes.NewReader(raw))
		jd.UseNumber()
		var v interface{}
		if err := jd.Decode(&v); err != nil {
			panic(fmt.Sprintf("decoder produced invalid JSON %q: %v", raw, err))
		}
		docs = append(docs, v)
	}
}

// analyse finds duplicate and colliding keys in the parts of the stream that
// the decoder read: JSON values first (while the stream is taken as JSON),
// then the YAML chunks, up to and including the one that failed.
func analyse(data []byte, decoded int) (dup, nondet bool) {
	rest := data
	if k8syaml.IsJSONBuffer(data[:min(len(data), 4096)]) {
		jd := json.NewDecoder(bytes.NewReader(data))
		count, off := 0, int64(0)
		for {
			var raw json.RawMessage
			if err := jd.Decode(&raw); err != nil {
				if err == io.EOF || count > 1 {
					return dup, false
				}
				break
			}
			count, off = count+1, jd.InputOffset()
			dup = jsonDup(json.NewDecoder(bytes.NewReader(raw))) || dup
		}
		// The decoder falls back to YAML after 0 or 1 JSON values.
		rest, decoded = afterSpace(data[off:]), decoded-count
	}
	r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(rest)))
	for i := 0; rest != nil && i <= decoded; i++ {
		chunk, err := r.Read()
		if err != nil {
			break
		}
		var v interface{}
		if err := yamlv2.UnmarshalStrict(chunk, &v); err != nil {
			if te, ok := err.(*yamlv2.TypeError); ok {
				for _, msg := range te.Errors {
					dup = dup || strings.Contains(msg, "already set in map")
				}
			}
		}
		v = nil
		if yamlv2.Unmarshal(chunk, &v) == nil {
			nondet = keyClash(v) || nondet
		}
	}
	return dup, nondet
}

// afterSpace mirrors YAMLOrJSONDecoder.consumeWhitespace: it drops white
// space up to and including the first newline, reading 4 bytes at a time. It
// returns nil where the decoder gives up on YAML (fewer than 4 bytes left,
// or an invalid rune).
func afterSpace(b []byte) []byte {
	for i := 0; ; {
		if len(b)-i < 4 {
			return nil
		}
		r, size := utf8.DecodeRune(b[i : i+4])
		if r == utf8.RuneError {
			return nil
		}
		if !unicode.IsSpace(r) {
			return b[i:]
		}
		if i += size; r == '\n' {
			return b[i:]
		}
	}
}

// jsonDup reports whether a JSON value sets an object key twice.
func jsonDup(d *json.Decoder) bool {
	tok, err := d.Token()
	if err != nil {
		return false
	}
	dup := false
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for d.More() {
			k, _ := d.Token()
			key, _ := k.(string)
			dup = seen[key] || dup
			seen[key] = true
			dup = jsonDup(d) || dup
		}
		d.Token()
	case json.Delim('['):
		for d.More() {
			dup = jsonDup(d) || dup
		}
		d.Token()
	}
	return dup
}

// keyString converts a go-yaml v2 map key the way sigs.k8s.io/yaml does.
func keyString(k interface{}) (string, bool) {
	switch k := k.(type) {
	case string:
		return k, true
	case int:
		return strconv.Itoa(k), true
	case int64:
		return strconv.FormatInt(k, 10), true
	case float64:
		s := strconv.FormatFloat(k, 'g', -1, 32)
		if special, ok := map[string]string{"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}[s]; ok {
			s = special
		}
		return s, true
	case bool:
		return strconv.FormatBool(k), true
	}
	return "", false
}

// keyClash reports whether some mapping holds two distinct keys (such as 1
// and "1") that become the same JSON key: which value survives then depends
// on Go's random map order.
func keyClash(v interface{}) bool {
	clash := false
	switch v := v.(type) {
	case map[interface{}]interface{}:
		seen := map[string]bool{}
		for k, e := range v {
			if s, ok := keyString(k); ok {
				clash = seen[s] || clash
				seen[s] = true
			}
			clash = keyClash(e) || clash
		}
	case []interface{}:
		for _, e := range v {
			clash = keyClash(e) || clash
		}
	}
	return clash
}

// encode is json.MarshalIndent(v, "", " ") plus a newline, without HTML
// escaping (so that "<<" stays readable).
func encode(v interface{}) []byte {
	var out bytes.Buffer
	e := json.NewEncoder(&out)
	e.SetEscapeHTML(false)
	e.SetIndent("", " ")
	if err := e.Encode(v); err != nil {
		panic(fmt.Sprintf("cannot write the result (nested deeper than encoding/json allows?): %v", err))
	}
	return out.Bytes()
}

// run computes the expected file for one input stream.
func run(data []byte) []byte {
	docs, decoded, err := decode(data)
	res := result{Documents: docs}
	if err != nil {
		res.Error = err.Error()
	}
	res.DuplicateKeys, res.NondeterministicKeys = analyse(data, decoded)
	if res.NondeterministicKeys {
		// The decoded value varies from run to run: record the smallest
		// outcome seen, so that the file is reproducible.
		best := encode(res.Documents)
		for i := 0; i < 1000; i++ {
			docs, _, _ := decode(data)
			if e := encode(docs); bytes.Compare(e, best) < 0 {
				best, res.Documents = e, docs
			}
		}
	}
	return encode(res)
}

func die(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(2)
}

func main() {
	check := flag.Bool("check", false, "compare with the existing .expected.json files instead of writing them")
	flag.Parse()
	if flag.NArg() == 0 {
		die(fmt.Errorf("usage: go run . [--check] FILE.yaml..."))
	}
	failed := 0
	for _, in := range flag.Args() {
		data, err := os.ReadFile(in)
		if err != nil {
			die(err)
		}
		out := strings.TrimSuffix(in, ".yaml") + ".expected.json"
		got := run(data)
		if !*check {
			if err := os.WriteFile(out, got, 0o644); err != nil {
				die(err)
			}
			continue
		}
		if want, err := os.ReadFile(out); err != nil || !bytes.Equal(want, got) {
			failed++
			fmt.Printf("MISMATCH %s\n", out)
			diff := exec.Command("diff", "-u", out, "-")
			diff.Stdin, diff.Stdout = bytes.NewReader(got), os.Stdout
			diff.Run()
		}
	}
	if *check {
		fmt.Printf("%d checked, %d mismatched\n", flag.NArg(), failed)
		if failed > 0 {
			os.Exit(1)
		}
	}
}
