// Command scc-oracle admits pods under OpenShift's SecurityContextConstraints with
// OpenShift's own admission code (github.com/openshift/apiserver-library-go), offline,
// and prints which SCC admits each pod on CREATE. See README.md.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	securityv1 "github.com/openshift/api/security/v1"
	"github.com/openshift/apiserver-library-go/pkg/securitycontextconstraints/sccdefaults"
	"github.com/openshift/apiserver-library-go/pkg/securitycontextconstraints/sccmatching"
	sccsort "github.com/openshift/apiserver-library-go/pkg/securitycontextconstraints/util/sort"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	api "k8s.io/kubernetes/pkg/apis/core"
	k8sv1 "k8s.io/kubernetes/pkg/apis/core/v1"
	"sigs.k8s.io/yaml"
)

// The annotations a namespace gets from OpenShift's namespace allocator. When a case has no
// Namespace (or lacks one of the two required annotations), these values are used: the
// first block of the default allocator ranges.
const (
	defaultUIDRange = "1000000000/10000"
	defaultMCS      = "s0:c1,c0"
)

type result struct {
	Case            string   `json:"case"`
	Copies          int      `json:"copies,omitempty"`
	Namespace       nsInfo   `json:"namespace"`
	Windows         bool     `json:"windows,omitempty"`
	Admits          []string `json:"admits"`
	First           string   `json:"first"`
	LeastPrivileged string   `json:"leastPrivileged"`
	RestrictedV2    []string `json:"restrictedV2Refuses"`
}

type nsInfo struct {
	UIDRange           string `json:"uidRange"`
	MCS                string `json:"mcs"`
	SupplementalGroups string `json:"supplementalGroups,omitempty"`
}

type output struct {
	Oracle  string   `json:"oracle"`
	Order   []string `json:"order"`
	ByRestr []string `json:"leastPrivilegedOrder"`
	Cases   []result `json:"cases"`
}

func main() {
	sccFile := flag.String("sccs", "", "the kubeward policy file whose parameter sccs lists the SCCs")
	pss := flag.String("pss", "", "folder of the Pod Security fixtures (cases named pss/<path>)")
	own := flag.String("cases", "", "folder of OpenShift cases (cases named openshift/<path>)")
	flag.Parse()
	sccs, err := loadSCCs(*sccFile)
	if err != nil {
		fail(err)
	}
	order := append([]*securityv1.SecurityContextConstraints(nil), sccs...)
	sort.Sort(sccsort.ByPriority(order))
	byRestr := append([]*securityv1.SecurityContextConstraints(nil), sccs...)
	// the least privileged order: priority ignored, then as ByPriority (restriction
	// points, then name)
	sort.SliceStable(byRestr, func(i, j int) bool {
		a, b := byRestr[i].DeepCopy(), byRestr[j].DeepCopy()
		a.Priority, b.Priority = nil, nil
		return sccsort.ByPriority([]*securityv1.SecurityContextConstraints{a, b}).Less(0, 1)
	})
	out := output{Oracle: "github.com/openshift/apiserver-library-go sccmatching.AssignSecurityContext, CREATE"}
	for _, s := range order {
		out.Order = append(out.Order, s.Name)
	}
	for _, s := range byRestr {
		out.ByRestr = append(out.ByRestr, s.Name)
	}
	for _, root := range []struct{ dir, prefix string }{{*pss, "pss"}, {*own, "openshift"}} {
		if root.dir == "" {
			continue
		}
		files, err := yamlFiles(root.dir)
		if err != nil {
			fail(err)
		}
		// identical files (the same pod at many policy versions) are one case, named by
		// the first path in byte order, with the number of copies
		seen := map[[32]byte]int{}
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(root.dir, f))
			if err != nil {
				fail(err)
			}
			h := sha256.Sum256(data)
			if i, ok := seen[h]; ok {
				out.Cases[i].Copies++
				continue
			}
			r, err := evaluate(root.prefix+"/"+filepath.ToSlash(f), data, order, byRestr)
			if err != nil {
				fail(fmt.Errorf("%s: %w", f, err))
			}
			r.Copies = 1
			seen[h] = len(out.Cases)
			out.Cases = append(out.Cases, r)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scc-oracle:", err)
	os.Exit(1)
}

func yamlFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() && strings.HasSuffix(p, ".yaml") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func documents(data []byte) ([][]byte, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var docs [][]byte
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if err == io.EOF {
				return docs, nil
			}
			return nil, err
		}
		if len(raw) > 0 && string(raw) != "null" {
			docs = append(docs, raw)
		}
	}
}

// loadSCCs reads the SCC definitions from the `sccs` parameter of the kubeward policy file
// that predicts SCC admission (they are SecurityContextConstraints objects).
func loadSCCs(policy string) ([]*securityv1.SecurityContextConstraints, error) {
	data, err := os.ReadFile(policy)
	if err != nil {
		return nil, err
	}
	var file struct {
		Parameters struct {
			SCCs struct {
				Default []json.RawMessage `json:"default"`
			} `json:"sccs"`
		} `json:"parameters"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", policy, err)
	}
	var sccs []*securityv1.SecurityContextConstraints
	for i, raw := range file.Parameters.SCCs.Default {
		scc := &securityv1.SecurityContextConstraints{}
		if err := yaml.UnmarshalStrict(raw, scc); err != nil {
			return nil, fmt.Errorf("%s: sccs[%d]: %w", policy, i, err)
		}
		// the API server defaults SCCs when they are stored
		sccdefaults.SetDefaults_SCC(scc)
		sccs = append(sccs, scc)
	}
	if len(sccs) == 0 {
		return nil, fmt.Errorf("%s: no parameters.sccs.default", policy)
	}
	return sccs, nil
}

func evaluate(name string, data []byte, order, byRestr []*securityv1.SecurityContextConstraints) (result, error) {
	docs, err := documents(data)
	if err != nil {
		return result{}, err
	}
	var pod *corev1.Pod
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	for _, d := range docs {
		var meta metav1.TypeMeta
		if err := json.Unmarshal(d, &meta); err != nil {
			return result{}, err
		}
		switch meta.Kind {
		case "Pod":
			pod = &corev1.Pod{}
			if err := json.Unmarshal(d, pod); err != nil {
				return result{}, err
			}
		case "Namespace":
			if err := json.Unmarshal(d, ns); err != nil {
				return result{}, err
			}
		}
	}
	if pod == nil {
		return result{}, fmt.Errorf("no Pod")
	}
	if ns.Annotations == nil {
		ns.Annotations = map[string]string{}
	}
	if _, ok := ns.Annotations[securityv1.UIDRangeAnnotation]; !ok {
		ns.Annotations[securityv1.UIDRangeAnnotation] = defaultUIDRange
	}
	if _, ok := ns.Annotations[securityv1.MCSAnnotation]; !ok {
		ns.Annotations[securityv1.MCSAnnotation] = defaultMCS
	}
	// the API server defaults the pod (e.g. hostPort from containerPort under hostNetwork)
	// and converts it to the internal version before admission
	k8sv1.SetObjectDefaults_Pod(pod)
	internal := &api.Pod{}
	if err := k8sv1.Convert_v1_Pod_To_core_Pod(pod, internal, nil); err != nil {
		return result{}, err
	}
	r := result{
		Case: name,
		Namespace: nsInfo{
			UIDRange:           ns.Annotations[securityv1.UIDRangeAnnotation],
			MCS:                ns.Annotations[securityv1.MCSAnnotation],
			SupplementalGroups: ns.Annotations[securityv1.SupplementalGroupsAnnotation],
		},
		Windows:      internal.Spec.OS != nil && internal.Spec.OS.Name == api.Windows,
		Admits:       []string{},
		RestrictedV2: []string{},
	}
	admits := map[string]bool{}
	for _, scc := range order {
		provider, err := sccmatching.CreateProviderFromConstraint(ns, scc)
		if err != nil {
			return result{}, fmt.Errorf("scc %s: %w", scc.Name, err)
		}
		prefix := fmt.Sprintf("provider %s: ", scc.Name)
		errs := sccmatching.AssignSecurityContext(provider, internal.DeepCopy(), field.NewPath(prefix))
		if len(errs) == 0 {
			admits[scc.Name] = true
			r.Admits = append(r.Admits, scc.Name)
			if r.First == "" {
				r.First = scc.Name
			}
		}
		if scc.Name == "restricted-v2" {
			set := map[string]bool{}
			for _, e := range errs {
				f := strings.TrimPrefix(e.Field, prefix)
				f = strings.TrimPrefix(f, ".")
				if !set[f] {
					set[f] = true
					r.RestrictedV2 = append(r.RestrictedV2, f)
				}
			}
			sort.Strings(r.RestrictedV2)
		}
	}
	for _, scc := range byRestr {
		if admits[scc.Name] {
			r.LeastPrivileged = scc.Name
			break
		}
	}
	return r, nil
}
