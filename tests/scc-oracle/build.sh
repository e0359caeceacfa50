#!/bin/sh
# Builds the SCC oracle outside the repository and runs it on the Pod Security fixtures and
# the OpenShift cases; writes tests/openshift/expected.json. See README.md.
#
#   tests/scc-oracle/build.sh [WORKDIR]
#
# WORKDIR (default: a folder under ${TMPDIR:-/tmp}) receives the OpenShift sources, a go.mod
# with replace directives and the binary. Each OpenShift repository is cloned from GitHub at
# the exact commit below, unless SRC_<NAME> names a folder that already holds that commit's
# tree (e.g. SRC_LIBRARY_GO=/somewhere/library-go).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${1:-${TMPDIR:-/tmp}/kubeward-scc-oracle}
pss=${KUBEWARD_PSS_FIXTURES:-$repo/../shared/conformance/pss}
mkdir -p "$work"

# name  repository                  commit (pinned by apiserver-library-go's go.mod)
sources='APISERVER_LIBRARY_GO apiserver-library-go a8019f39f6708878cbb42101693940ed4817ab82
LIBRARY_GO library-go 73c7662bc565a14ab39c05b4d46b45e86b5191f0
API api 926605d3338b808c9fea75aa860a304cf628dd94
CLIENT_GO client-go 396b36f983ee66eb8d368767cbec950fe4aa70c0'

echo "$sources" | while read -r var name commit; do
  src=$(eval "echo \${SRC_$var:-}")
  if [ -n "$src" ]; then
    rm -rf "$work/$name"
    ln -s "$src" "$work/$name"
  elif [ ! -e "$work/$name/go.mod" ]; then
    rm -rf "$work/$name"
    git init -q "$work/$name"
    git -C "$work/$name" fetch -q --depth 1 "https://github.com/openshift/$name" "$commit"
    git -C "$work/$name" checkout -q FETCH_HEAD
  fi
done

mkdir -p "$work/oracle"
cp "$here/main.go" "$work/oracle/main.go"
k8s=v0.33.2
{
  echo 'module kubeward.dev/scc-oracle'
  echo
  echo 'go 1.24.0'
  echo
  echo 'require ('
  echo '	github.com/openshift/api v0.0.0-20250710004639-926605d3338b'
  echo '	github.com/openshift/apiserver-library-go v0.0.0-20250917015549-a8019f39f670'
  echo "	k8s.io/api $k8s"
  echo "	k8s.io/apimachinery $k8s"
  echo '	k8s.io/kubernetes v1.33.2'
  echo '	sigs.k8s.io/yaml v1.4.0'
  echo ')'
  echo
  echo 'replace ('
  echo '	github.com/openshift/apiserver-library-go => ../apiserver-library-go'
  echo '	github.com/openshift/library-go => ../library-go'
  echo '	github.com/openshift/api => ../api'
  echo '	github.com/openshift/client-go => ../client-go'
  # k8s.io/kubernetes requires its staging modules at v0.0.0: pin each to the release
  for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go \
      cloud-provider cluster-bootstrap code-generator component-base component-helpers \
      controller-manager cri-api cri-client csi-translation-lib dynamic-resource-allocation \
      endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy \
      kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission \
      sample-apiserver; do
    echo "	k8s.io/$m => k8s.io/$m $k8s"
  done
  echo ')'
} > "$work/oracle/go.mod"

cd "$work/oracle"
GOFLAGS=-mod=mod go mod tidy
go build -o scc-oracle .
./scc-oracle -sccs "$repo/policies/openshift/KW-OCP-001-needs-more-than-restricted-v2.yaml" \
  -pss "$pss" -cases "$repo/tests/openshift/cases" > "$repo/tests/openshift/expected.json"
echo "wrote tests/openshift/expected.json"
